import Foundation
import Hummingbird
import TrellisCore
import TrellisDelivery
import TrellisStore

extension WebController {
    /// Sending a referral: choose what may be shared, preview exactly what will leave, then send.
    /// Nothing is stored until "send"; the preview is built by the same code the delivery worker uses.
    func referralForm(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "make referrals")
        let form = try await form(request, context)
        let profile = try ProfileForm.fromCarried(form.values["profile"]?.first)
        guard let serviceID = form["service_id"], let service = try await store.service(id: serviceID) else {
            throw APIError.notFound("that service is no longer in the directory")
        }
        let categories = Set(form.all("category").compactMap(Consent.Category.init(rawValue:)))
        let method = Consent.Method(rawValue: form["method"] ?? "") ?? .verbal
        let expiry = Result { try ConsentExpiryField.parse(form[ConsentExpiryField.name], now: Date(), timeZone: settings.calendar.timeZone) }
        let consent = Consent(recipient: service.organizationID, categories: categories, method: method, capturedBy: user.id,
                              capturedAt: Date().addingTimeInterval(-1), expiresAt: try? expiry.get())
        var values: [String: Any] = [
            "profile": try ProfileForm.carried(profile), "service_id": service.id, "service_name": service.name,
            "organization": service.organizationName, "organization_id": service.organizationID, "person_ref": profile.person.ref,
            "note": form["note"] ?? "", "consent_expires": form[ConsentExpiryField.name] ?? "",
            // One key per form: sending it twice (a double click, a reload) makes one referral.
            "request_key": form["request_key"] ?? WebSession.randomValue(),
            "categories": Consent.Category.allCases.map { category in
                ["value": category.rawValue, "title": Self.categoryTitle(category), "checked": categories.contains(category)] as [String: Any]
            },
            "methods": Consent.Method.allCases.map { ["value": $0.rawValue, "selected": $0 == method] },
        ]
        values["previous_referral_id"] = form["previous_referral_id"]?.nonBlank  // the next match after a rejected referral
        // Said before sending: whether anybody at the organization can receive it, and how.
        let partner = try await store.partner(answeringFor: service.organizationID)
        values["no_recipient"] = partner == nil
        values["inbox"] = partner?.delivery == .inbox
        let action = form["action"]
        if action != nil, categories.isEmpty {
            values["message"] = "Choose at least one kind of information the person agreed to share."
            return pages.render("refer", values, title: "Send a referral", context: context, status: .badRequest)
        }
        if action != nil, case .failure(let error) = expiry {
            values["message"] = (error as? APIError)?.message ?? "Consent expires on: a date as 2027-06-30"
            return pages.render("refer", values, title: "Send a referral", context: context, status: .badRequest)
        }
        if action == "send" {
            let request = NewReferral(profile: profile, serviceID: service.id, consent: consent, note: form["note"], source: .api,
                                      referrerOrganizationID: user.organizationID, requestKey: form["request_key"],
                                      previousReferralID: form["previous_referral_id"])
            do {
                let referral = try await store.createReferral(request, context: access.audit(user, context))
                return Self.seeOther("/referrals/\(referral.id)")
            } catch let error as StoreError {
                switch error {
                case .noRecipient, .previousReferral: break
                default: throw error
                }
                values["message"] = error.description
                return pages.render("refer", values, title: "Send a referral", context: context, status: .unprocessableContent)
            }
        }
        if action == "preview" {
            values["preview"] = try Self.preview(profile: profile, consent: consent, note: form["note"], service: service, partner: partner, user: user)
            values["format"] = (partner?.format ?? .json).rawValue
        }
        return pages.render("refer", values, title: "Send a referral", context: context)
    }

    /// Exactly the body the delivery worker would send now: the minimum necessary under this consent.
    static func preview(profile: NeedsProfile, consent: Consent, note: String?, service: Service, partner: Partner?, user: UserAccount) throws -> String {
        let now = Date()
        let draft = Referral(id: "(assigned when sent)", status: .requested, serviceID: service.id, organizationID: service.organizationID,
                             personRef: profile.person.ref, consentID: "(assigned when sent)", needDomains: profile.needs.map(\.domain),
                             createdAt: now, createdBy: user.id, requestedAt: now, updatedAt: now, referrerOrganizationID: user.organizationID)
        let recipient = partner ?? Partner(id: "(no partner yet)", organizations: [service.organizationID],
                                           endpoint: URL(string: "https://partner.invalid/")!, format: .json)
        guard let disclosure = ReferralDisclosure(referral: draft, consentID: draft.consentID, consent: consent, profile: profile, note: note,
                                                  service: service, partner: recipient, now: now) else {
            throw APIError(.unprocessableContent, code: "consent_not_in_force", "the consent does not cover this organization")
        }
        let body = recipient.format == .fhirR4 ? try FHIRReferralBundle.render(disclosure) : try ReferralDocument.render(disclosure)
        let object = try JSONSerialization.jsonObject(with: body)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
                      as: UTF8.self)
    }

    static func categoryTitle(_ category: Consent.Category) -> String {
        switch category {
        case .contact: "Contact details (name, phone, email)"
        case .demographics: "Demographics (age, gender, languages)"
        case .needs: "Needs (what the referral is for)"
        case .circumstances: "Circumstances (homelessness, justice involvement…)"
        case .clinicalNotes: "Clinical notes (the note below)"
        case .substanceUse: "Substance use (42 CFR Part 2)"
        }
    }

    /// My referrals across agencies, newest first, with filters by status and agency.
    func tracker(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "list referrals")
        var query = try ReferralListQuery(request.uri, user: user)
        query.filter.scope = try await access.referralScope(for: user)
        query.filter.limit = 201
        let found = try await store.referrals(query.filter, context: access.audit(user, context))
        let now = Date()
        let directory = matching?.catalog
        // A withdrawn service is no longer in the catalog: its name is read from the store, which keeps it.
        var withdrawnNames: [String: String] = [:]
        for id in Set(found.prefix(200).filter { $0.serviceWithdrawn == true }.map(\.serviceID)) {
            withdrawnNames[id] = try await store.service(id: id)?.name
        }
        let today = store.businessCalendar.day(of: now)
        let time = self.time
        let rows: [[String: Any]] = found.prefix(200).map { referral in
            let agency = organizationName(referral.organizationID)
            var row: [String: Any] = [
                "id": referral.id, "status": referral.status.rawValue, "person_ref": referral.personRef,
                "service": directory?.name(of: referral.serviceID) ?? withdrawnNames[referral.serviceID] ?? referral.serviceID,
                "service_id": referral.serviceID, "agency": agency, "agency_id": referral.organizationID,
                "created": time.moment(referral.createdAt), "respond_by": referral.respondBy.map(time.moment) ?? "",
                "overdue": referral.isOverdue(at: now), "service_withdrawn": referral.isOpenToWithdrawnService,
                "sentence": StatusSentence(referral, agency: agency).text(time),
            ]
            row["deadline"] = deadlineWords(referral)
            row.merge(Self.followThroughFlags(referral, today: today)) { own, _ in own }
            return row
        }
        let agencies = Set(found.map(\.organizationID)).union(query.filter.organizationID.map { [$0] } ?? [])
            .map { (id: $0, name: organizationName($0)) }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        var values: [String: Any] = [
            "referrals": rows, "empty": rows.isEmpty, "more": found.count > 200,
            "statuses": ReferralStatus.allCases.map { ["value": $0.rawValue, "selected": query.filter.status == $0] },
            "agencies": agencies.map { ["value": $0.id, "title": $0.name, "selected": query.filter.organizationID == $0.id] },
            "overdue_only": query.filter.overdueAt != nil,
        ]
        values["follow_ups"] = try await followUpsDue(query.filter.scope, user: user, context)
        values["next_step_only"] = query.filter.needsNextStep
        values["follow_up_only"] = query.filter.followUpDueAt != nil
        return pages.render("tracker", values, title: "Referrals", context: context)
    }

    func referralPage(_ id: String, _ context: TrellisRequestContext, message: String? = nil) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "read referrals")
        let referral = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: access.audit(user, context))
        let delivery = try await store.outboxEntry(referralID: id)
        let attempts = try await store.deliveryAttempts(referralID: id)
        let now = Date()
        let time = self.time
        let agency = organizationName(referral.organizationID)
        let service = try await store.service(id: referral.serviceID)
        var values: [String: Any] = [
            "id": referral.id, "status": referral.status.rawValue, "person_ref": referral.personRef,
            "service": try await serviceName(referral.serviceID), "service_id": referral.serviceID,
            "agency": agency, "agency_id": referral.organizationID,
            "overdue": referral.isOverdue(at: now), "service_withdrawn": referral.isOpenToWithdrawnService,
            "respond_by": referral.respondBy.map(time.moment) ?? "", "version": referral.version,
            "sentence": StatusSentence(referral, agency: agency, personName: try await personName(referral, user: user, context)).text(time),
            "timeline": Self.timeline(referral, time: time),
            "delivery_state": delivery?.state.rawValue ?? "not queued",
            "attempts": attempts.map { attempt in
                ["at": time.moment(attempt.at), "outcome": attempt.outcome.rawValue, "status": attempt.httpStatus.map(String.init) ?? "",
                 "error": attempt.errorClass ?? "", "ms": String(format: "%.0f", attempt.durationMS)] as [String: Any]
            },
            "can_cancel": AccessControl.referrers.contains(user.role) && [.draft, .requested, .accepted].contains(referral.status),
        ]
        values.merge(try await followThroughValues(referral, user: user, context)) { own, _ in own }
        let consent = try await store.consent(referralID: id, context: access.audit(user, context))
        values["consent"] = Self.consentValues(consent.consent, now: now, time: time)
        values["can_revoke"] = AccessControl.referrers.contains(user.role) && consent.consent.revokedAt == nil
        let partnerMessages = try await store.partnerMessages(referralID: id)
        values["any_partner_messages"] = !partnerMessages.isEmpty
        values["partner_messages"] = partnerMessages.map { entry in
            ["kind": entry.kind.rawValue, "state": entry.state.rawValue, "attempts": entry.attempts, "at": time.moment(entry.createdAt)] as [String: Any]
        }
        try await addThread(referral, consent: consent.consent, user: user, context, action: "/referrals/\(id)/messages", into: &values)
        values.merge(try await supportNetworkValues(referral, user: user, context)) { $1 }
        values["deadline"] = deadlineWords(referral)
        values["contact"] = service.map { ServiceContact($0).values }
        if let message { values["message"] = message }
        return pages.render("referral", values, title: "Referral \(referral.id)", context: context)
    }

    /// The consent as a sentence: what it covers, and whether it is in force, expires, or ended.
    static func consentValues(_ consent: Consent, now: Date, time: PageTime) -> [String: Any] {
        var values: [String: Any] = ["categories": consent.categories.sorted().map { categoryTitle($0) }.joined(separator: "; "),
                                     "captured": time.moment(consent.capturedAt)]
        if let revoked = consent.revokedAt {
            values["state"] = "revoked on \(time.moment(revoked)): nothing more is shared"
        } else if let expires = consent.expiresAt, expires <= now {
            values["state"] = "expired on \(time.day(expires)): nothing more is shared"
        } else if let expires = consent.expiresAt {
            values["state"] = "in force until \(time.day(expires))"
        } else {
            values["state"] = "in force until the person revokes it"
        }
        return values
    }

    /// The messages on the referral and what the form may send, for the referral and inbox pages.
    func addThread(_ referral: Referral, consent: Consent, user: UserAccount, _ context: TrellisRequestContext, action: String,
                   into values: inout [String: Any]) async throws {
        guard ReferralConversation.writers.contains(user.role) else { return }
        values["message_action"] = action
        let messages = try await store.messages(referralID: referral.id, context: access.audit(user, context, purpose: "coordination"))
        values["messages"] = messages.map { message -> [String: Any] in
            ["author": message.author, "party": message.fromParty == .agency ? "agency" : "referrer", "at": time.moment(message.createdAt),
             "text": message.text, "personal": message.containsPersonalInformation]
        }
        values["no_messages"] = messages.isEmpty
        let deliveredToEndpoint = try await store.outboxEntry(referralID: referral.id)?.state == .delivered
        let inInbox = try await store.partner(answeringFor: referral.organizationID)?.delivery == .inbox
        values["can_message"] = deliveredToEndpoint || (referral.requestedAt != nil && inInbox)
        values["personal_allowed"] = consent.allows(.clinicalNotes, to: referral.organizationID, at: Date())
        values["personal_refused_why"] = consent.isInForce(at: Date())
            ? "The person's consent does not cover clinical notes: a message may not carry their personal information."
            : "The person's consent is no longer in force: a message may not carry their personal information; one without it can still be sent."
        values["message_limit"] = MessageText.maximumCharacters
    }

    func revokeConsentFromPage(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "revoke consent")
        let form = try await form(request, context)
        guard form["confirm"] == "yes" else {
            return try await referralPage(id, context, message: "Tick the box to confirm the person has withdrawn their consent.")
        }
        do {
            _ = try await ReferralConversation(store: store, auditLog: store.audit).revoke(id, by: user, context)
        } catch let error as APIError where error.status != .notFound {
            return try await referralPage(id, context, message: error.message)
        }
        return Self.seeOther("/referrals/\(id)")
    }

    /// The message form on the referral page and the inbox page: the same rules as `POST /v1/referrals/{id}/messages`.
    func postMessageFromPage(_ id: String, _ request: Request, _ context: TrellisRequestContext, back: String) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "write messages")
        let form = try await form(request, context)
        do {
            _ = try await ReferralConversation(store: store, auditLog: store.audit).post(
                id, text: form["text"] ?? "", containsPersonalInformation: form["personal"] == "yes", by: user, context)
        } catch let error as APIError where error.status != .notFound {
            return back == "inbox" ? try await inboxReferral(id, context, message: error.message) : try await referralPage(id, context, message: error.message)
        }
        return Self.seeOther(back == "inbox" ? "/inbox/\(id)#messages" : "/referrals/\(id)#messages")
    }

    /// The person's name for the case worker who referred them (their own organization's referral),
    /// read through the audited store; nil for anybody else, who sees "the person".
    private func personName(_ referral: Referral, user: UserAccount, _ context: TrellisRequestContext) async throws -> String? {
        guard user.role == .caseworker, let referrer = referral.referrerOrganizationID, user.organizations.contains(referrer) else { return nil }
        return try await store.person(referralID: referral.id, context: access.audit(user, context)).profile.person.name
    }

    /// The service's name from the catalog, or from the store for one withdrawn since (or its id).
    private func serviceName(_ id: String) async throws -> String {
        if let name = matching?.catalog.name(of: id) { return name }
        return try await store.service(id: id)?.name ?? id
    }

    func cancel(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "cancel referrals")
        let form = try await form(request, context)
        do {
            _ = try await access.cancel(id, reason: form["reason"], version: form["version"].flatMap { Int($0) }, by: user, context)
        } catch let error as StoreError where error != .referralNotFound(id) {
            // A refused move is shown on the referral's page; a referral out of scope stays "not found".
            return try await referralPage(id, context, message: APIError(error).message)
        }
        return Self.seeOther("/referrals/\(id)")
    }

    /// An ISO 8601 time. Pages say times with `time` (PageTime: the county's zone, in words), never with this.
    static func shortDate(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
