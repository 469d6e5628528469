import Foundation
import Hummingbird
import TrellisCore
import TrellisMatching
import TrellisStore

/// The person's support network on the pages: the receipt page, and the suggestion to add a peer
/// specialist (a need in crisis or a second rejection, while the network has no peer mentor) with a
/// link to peer-support matches.
extension WebController {
    func addSupportNetworkRoutes(to pages: RouterGroup<TrellisRequestContext>) {
        pages.get("/referrals/:id/receipt") { _, context in try await receiptPage(try context.parameters.require("id"), context) }
        pages.post("/matches/peer-support") { request, context in try await peerSupportMatches(request, context) }
    }

    static let peerSpecialistSentence = """
        A peer specialist (someone with lived experience of recovery) can walk beside the person through this. \
        Their support network has no peer mentor yet: consider adding one.
        """

    /// The matches page's suggestion, from the profile in hand and the person's rejected referrals.
    func peerSpecialistValues(_ profile: NeedsProfile, user: UserAccount, carried: String) async throws -> [String: Any] {
        let rejections = try await store.rejections(personRef: profile.person.ref, referrerOrganizationID: user.organizationID)
        guard profile.suggestsPeerSpecialist(rejections: rejections) else { return ["suggest_peer_specialist": false] }
        return ["suggest_peer_specialist": true, "peer_specialist_sentence": Self.peerSpecialistSentence, "peer_profile": carried]
    }

    /// The referral page's receipt link and suggestion (a case worker's view only).
    func supportNetworkValues(_ referral: Referral, user: UserAccount, _ context: TrellisRequestContext) async throws -> [String: Any] {
        var values: [String: Any] = ["receipt_link": "/referrals/\(referral.id)/receipt"]
        guard AccessControl.referrers.contains(user.role) else { return values }
        let suggest = try await store.suggestsPeerSpecialist(referralID: referral.id, context: access.audit(user, context))
        values["suggest_peer_specialist"] = suggest
        if suggest {
            values["peer_specialist_sentence"] = Self.peerSpecialistSentence
            values["peer_referral_id"] = referral.id
        }
        return values
    }

    /// Peer-support matches for the person: from the profile carried by the matches page, or from the
    /// referral's stored profile (a read of the person's data, audited).
    func peerSupportMatches(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "rank services")
        let form = try await form(request, context)
        guard let matching else { throw APIError(.serviceUnavailable, code: "unavailable", "no directory is loaded yet") }
        var profile: NeedsProfile
        if let referralID = form["referral_id"] {
            let referral = try await store.referral(id: referralID, scope: try await access.referralScope(for: user), context: access.audit(user, context))
            profile = try await store.person(referralID: referral.id, context: access.audit(user, context)).profile
        } else {
            profile = try ProfileForm.fromCarried(form.values["profile"]?.first)
        }
        let urgency = profile.needs.map(\.urgency).max() ?? .routine
        profile.needs = [NeedsProfile.Need(.peerSupport, urgency: urgency)]
        let outcome: MatchOutcome
        do { outcome = try matching.matcher.match(profile.forMatching, in: matching.index, limit: 5) } catch {
            throw APIError.invalid(error.description, field: error.field)
        }
        ServerMetrics.matches.increment()
        try await store.audit.append(access.audit(user, context).entry(.execute, "match", profile.person.ref,
                                                                      detail: "peer support ranked by \(user.organizationID) (web)"))
        let carried = try ProfileForm.carried(profile)
        // Shown as the matches page shows them: how to reach each peer service, and why it is listed.
        var services: [String: Service] = [:]
        for id in Set(outcome.matches.flatMap { $0.results.map(\.serviceID) }) { services[id] = try await store.service(id: id) }
        let time = self.time
        let needs: [[String: Any]] = outcome.matches.map { group in
            ["domain": group.need.domain.rawValue, "title": group.need.domain.title, "detail": group.need.detail ?? "",
             "urgency": group.need.urgency.rawValue, "empty": group.results.isEmpty,
             "results": group.results.map { Self.resultView($0, profile: carried, service: services[$0.serviceID], time: time) }]
        }
        return pages.render("matches", ["needs": needs, "person_ref": profile.person.ref, "excluded": outcome.excluded,
                                        "faith_opt_in": profile.preferences.faithBased == .optIn],
                            title: "Peer support for \(profile.person.ref)", context: context)
    }
}
