import Foundation
import Hummingbird
import TrellisCore
import TrellisMatching
import TrellisStore

extension WebController {
    func profilePage(_ context: TrellisRequestContext, form: FormData = FormData(values: [:]), message: String? = nil,
                     field: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try await access.require(AccessControl.referrers, context, to: "rank services")
        var values = ProfileForm.values(form)
        values["domains"] = ProfileForm.domains(form)
        values["accessibility"] = ProfileForm.accessibility(form)
        values["circumstances"] = ProfileForm.circumstances.map {
            ["value": $0, "title": $0.replacingOccurrences(of: "_", with: " ").capitalizedFirst, "checked": values["checked_\($0)"] as? Bool ?? false]
        }
        values["genders"] = Gender.allCases.map { ["value": $0.rawValue, "selected": form["gender"] == $0.rawValue] }
        if let message { values["message"] = message; values["field"] = field ?? "" }
        return pages.render("profile", values, title: "Find services", context: context, status: status)
    }

    /// Ranks services for the profile typed into the form and shows them grouped by need, with the
    /// reasons, distance, capacity and warnings for each; faith-based ones only after opt-in, and
    /// always beside a secular alternative (the matcher guarantees both).
    func matches(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "rank services")
        let form = try await form(request, context)
        guard let matching else { throw APIError(.serviceUnavailable, code: "unavailable", "no directory is loaded yet") }
        let profile: NeedsProfile
        do {
            profile = try ProfileForm.profile(form)
            guard !profile.needs.isEmpty else { throw APIError.invalid("tick at least one need", field: "needs") }
        } catch let error as APIError {
            return try await profilePage(context, form: form, message: error.message, field: error.field, status: .badRequest)
        }
        let outcome: MatchOutcome
        do { outcome = try matching.matcher.match(profile.forMatching, in: matching.index, limit: 5) } catch {
            return try await profilePage(context, form: form, message: error.description, field: error.field, status: .badRequest)
        }
        ServerMetrics.matches.increment()
        try await store.audit.append(access.audit(user, context).entry(.execute, "match", profile.person.ref,
                                                                      detail: "\(profile.needs.count) needs ranked by \(user.organizationID) (web)"))
        let carried = try ProfileForm.carried(profile)
        // How to reach each listed service: the full records (a few dozen at most) from the store.
        var services: [String: Service] = [:]
        for id in Set(outcome.matches.flatMap { $0.results.map(\.serviceID) }) { services[id] = try await store.service(id: id) }
        let time = self.time
        // One group per need, in the profile's order: the need's own notes sit beside its matches.
        let needs: [[String: Any]] = zip(profile.needs, outcome.matches).map { need, group in
            [
                "domain": group.need.domain.rawValue, "title": group.need.domain.title, "detail": group.need.detail ?? "",
                "urgency": group.need.urgency.rawValue, "empty": group.results.isEmpty,
                "notes": need.notes ?? "", "has_notes": need.notes != nil,
                "results": group.results.map { Self.resultView($0, profile: carried, service: services[$0.serviceID], time: time) },
            ]
        }
        let support = try await peerSpecialistValues(profile, user: user, carried: carried)
        return pages.render("matches", ["needs": needs, "person_ref": profile.person.ref, "excluded": outcome.excluded,
                                        "faith_opt_in": profile.preferences.faithBased == .optIn,
                                        "person_notes": profile.preferences.notes?.nonBlank ?? "",
                                        "has_person_notes": profile.preferences.notes?.nonBlank != nil,
                                        "accessibility": profile.preferences.accessibility.map(\.title).joined(separator: ", "),
                                        "has_accessibility": !profile.preferences.accessibility.isEmpty].merging(support) { $1 },
                            title: "Matches for \(profile.person.ref)", context: context)
    }

    static func resultView(_ result: RankedService, profile: String, service: Service? = nil, time: PageTime) -> [String: Any] {
        let capacity = (result.reasons.first { $0.code.hasPrefix("capacity") }?.text
            ?? result.warnings.first { $0.code.contains("capacity") || $0.code.contains("waitlist") }?.text).map(time.wordingDays)
        var view: [String: Any] = [
            "service_id": result.serviceID, "name": result.serviceName, "organization": result.organization,
            "organization_id": result.organizationID, "faith": result.faithBased,
            "distance": result.distanceKm.map { String(format: "%.1f km", $0) } ?? "distance unknown",
            "score": String(format: "%.2f", result.score), "capacity": capacity ?? "capacity not published",
            "reasons": MatchReasonWording.values(result.reasons, time: time),
            "warnings": result.warnings.map { ["text": time.wordingDays(in: $0.text)] }, "has_warnings": !result.warnings.isEmpty,
            "profile": profile,
        ]
        view["contact"] = service.map { ServiceContact($0).values }  // absent, not empty: the template shows it only when known
        return view
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
