import Foundation
import Hummingbird
import TrellisCore
import TrellisStore

extension WebController {
    /// `/referrals/{id}/receipt`: the person's receipt as a page to print, in plain words and large type.
    func receiptPage(_ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "read referrals")
        let receipt = try await store.receipt(referralID: id, scope: try await access.referralScope(for: user), context: access.audit(user, context))
        return pages.render("receipt", Self.receiptValues(receipt, time: time), title: "Receipt for referral \(receipt.referralID)", context: context)
    }

    static func receiptValues(_ receipt: ReferralReceipt, time: PageTime) -> [String: Any] {
        let consent = receipt.consent
        let spoken = { (text: String) in Self.spoken(text, time: time) }
        var values: [String: Any] = [
            "id": receipt.referralID, "issued": spoken(receipt.issuedAt),
            "organization": receipt.sharedWith.organizationName, "service": receipt.sharedWith.serviceName,
            "consent_words": consent.inWords.map { ["text": $0] },
            "consent_method": ["verbal": "out loud", "written": "in writing", "electronic": "electronically"][consent.method] ?? consent.method, "consent_by": consent.capturedBy, "consent_at": spoken(consent.capturedAt),
            "consent_expires": consent.expiresAt.map(spoken) ?? "no end date was set",
            "shared": receipt.shared.map { ["words": $0.inWords, "fields": $0.fields.joined(separator: ", ")] },
            "nothing_shared": receipt.deliveries.isEmpty,
            "deliveries": receipt.deliveries.map { delivery in
                ["at": spoken(delivery.at), "how": delivery.how, "sequence": String(delivery.auditSequence),
                 "what": delivery.categories.isEmpty ? "the referral only, none of your details"
                    : delivery.categories.compactMap { Consent.Category(rawValue: $0) }.map(ReceiptWords.category).joined(separator: "; ")] as [String: Any]
            },
            "revoke_sentence": receipt.revoke.sentence, "revoke_page": receipt.revoke.page,
            "records": receipt.audit.records.map { ["sequence": String($0.sequence), "hash": $0.hash] },
        ]
        values["revoked"] = consent.revokedAt.map(spoken)
        if let checkpoint = receipt.audit.checkpoint {
            values["checkpoint"] = ["sequence": String(checkpoint.sequence), "hash": checkpoint.hash, "at": spoken(checkpoint.at),
                                    "fingerprint": checkpoint.fingerprint]
        }
        return values
    }

    /// "Tue 8 Dec 2026, 11:41 pm" from a receipt's canonical time, in the county's zone, always with its
    /// year: a receipt is kept and shown later.
    static func spoken(_ text: String, time: PageTime) -> String {
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else { return text }
        let day = time.day(date)
        let withYear = day.split(separator: " ").count > 3 ? day : "\(day) \(time.year(date))"
        return "\(withYear), \(time.clock(date))"
    }
}
