import Foundation
import TrellisCore
import TrellisStore

/// `POST /v1/referrals`: the person's needs profile, the chosen service, the consent the case worker
/// recorded, and an optional note for the agency. Unknown fields are refused by name.
struct ReferralSubmission: Decodable, Sendable {
    var profile: NeedsProfile
    var serviceID: String
    var consent: Consent
    var note: String?
    var draft: Bool
    /// The same person's rejected or failed referral this one follows (the next match).
    var previousReferralID: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case profile, consent, note, draft
        case serviceID = "service_id", previousReferralID = "previous_referral_id"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        profile = try c.decode(NeedsProfile.self, forKey: .profile)
        serviceID = try c.decode(String.self, forKey: .serviceID)
        guard serviceID.nonBlank != nil else {
            throw DecodingError.dataCorruptedError(forKey: .serviceID, in: c, debugDescription: "a service id is required")
        }
        consent = try c.decode(Consent.self, forKey: .consent)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        if let note, note.utf8.count > 4_000 {
            throw DecodingError.dataCorruptedError(forKey: .note, in: c, debugDescription: "a note is at most 4,000 bytes")
        }
        draft = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .draft) ?? false
        previousReferralID = try c.decodeIfPresent(String.self, forKey: .previousReferralID)
        if let previous = previousReferralID, previous.nonBlank == nil || previous.utf8.count > 100 {
            throw DecodingError.dataCorruptedError(forKey: .previousReferralID, in: c, debugDescription: "a referral id (at most 100 bytes)")
        }
    }

    /// How old a consent may be when a referral is made under it: older, it is recorded again.
    static let consentMaximumAge: TimeInterval = 30 * 86_400

    /// The referral `user` makes at `now`. The consent is recorded as captured by `user`, whatever the
    /// body's `captured_by` says, and its `captured_at` must lie within the last 30 days.
    func newReferral(by user: UserAccount, now: Date) throws -> NewReferral {
        var consent = consent
        consent.capturedBy = user.id
        guard consent.capturedAt <= now else {
            throw APIError(.unprocessableContent, code: "consent_not_in_force", "consent.captured_at is in the future", field: "consent.captured_at")
        }
        guard now.timeIntervalSince(consent.capturedAt) <= Self.consentMaximumAge else {
            throw APIError(.unprocessableContent, code: "consent_not_in_force",
                           "consent.captured_at is more than 30 days ago: record the person's consent again", field: "consent.captured_at")
        }
        return NewReferral(profile: profile, serviceID: serviceID, consent: consent, draft: draft, note: note, source: .api,
                           referrerOrganizationID: user.organizationID, previousReferralID: previousReferralID)
    }
}

/// `POST /v1/referrals/{id}/follow-up`: an optional note (sealed at rest).
struct FollowUpRequest: Decodable, Sendable {
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case note }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        if let note, note.utf8.count > 4_000 {
            throw DecodingError.dataCorruptedError(forKey: .note, in: c, debugDescription: "a note is at most 4,000 bytes")
        }
    }
}

/// `POST /v1/referrals/{id}/cancel`: why, and optionally the version the caller read.
struct CancelRequest: Decodable, Sendable {
    var reason: String?
    var version: Int?

    enum CodingKeys: String, CodingKey, CaseIterable { case reason, version }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
    }
}
