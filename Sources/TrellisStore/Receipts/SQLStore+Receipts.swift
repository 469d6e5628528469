public import Foundation
public import Crypto
public import TrellisCore

/// A person's receipt for a referral, and its proof against the audit trail.
extension SQLStore: ReceiptRepository {
    public func receipt(referralID id: String, scope: ReferralScope, context: AuditContext) async throws -> ReferralReceipt {
        let gathered = try await reading { session, audit -> (Referral, StoredConsent, Service?, [SealedAuditRecord])? in
            let stored = try await ReferralRows.referral(id: id, in: session)
            let delivered = stored == nil ? false : try await ReferralRows.isDelivered(id, in: session)
            guard let referral = stored, scope.admits(referral, delivered: delivered) else {
                audit.record(context.entry(.read, "referral", id, outcome: stored == nil ? .failure : .denied,
                                           detail: stored == nil ? "receipt: not found" : "receipt refused: outside the caller's scope"))
                return nil
            }
            guard let row = try await session.firstRow("\(unescaped: ReferralRows.consentColumns) FROM consent c WHERE c.id = \(referral.consentID)")
            else { throw StoreError.referralNotFound(id) }
            let consent = try ReferralRows.consent(row)
            let records = try await session.rows("""
                SELECT sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash FROM audit_event
                WHERE (entity = 'consent' AND entity_id = \(consent.id) AND action = 'C')
                   OR (entity = 'referral' AND entity_id = \(id) AND action = 'E' AND outcome = 'success' AND detail LIKE 'disclosure%')
                ORDER BY sequence
                """).map(AuditTrail<Database>.record)
            audit.record(context.entry(.read, "referral", id, detail: "receipt"))
            return (referral, consent, try await ReferralRows.service(id: referral.serviceID, in: session), records)
        }
        guard let (referral, consent, service, records) = gathered else { throw StoreError.referralNotFound(id) }
        let checkpoint = try await coveringCheckpoint(records.last?.event.sequence)
        return ReceiptBuilder.receipt(referral: referral, consent: consent, service: service, records: records, checkpoint: checkpoint,
                                      now: context.now)
    }

    /// The first signed checkpoint at or after `sequence`; one is signed for the head when none covers it yet.
    private func coveringCheckpoint(_ sequence: Int64?) async throws -> (AuditCheckpoint, Curve25519.Signing.PublicKey)? {
        guard let book = configuration.checkpoints else { return nil }
        let sequence = sequence ?? 1
        func covering() throws -> AuditCheckpoint? { try book.read().filter { $0.sequence >= sequence }.min { $0.sequence < $1.sequence } }
        if let found = try covering() { return (found, try book.signingKey().publicKey) }
        try await trail.checkpoint()
        return try covering().map { ($0, try book.signingKey().publicKey) }
    }

    public func verifyReceipt(_ receipt: ReferralReceipt, pinnedKey: Curve25519.Signing.PublicKey?, context: AuditContext) async throws -> ReceiptVerdict {
        let verdict = try await checkReceipt(receipt, pinnedKey: pinnedKey)
        // Reading a receipt reads what was shared of a person: on the record like any other read.
        let outcome: AuditEvent.Outcome = if case .matches = verdict { .success } else { .failure }
        try await audit.append(context.entry(.read, "referral", receipt.referralID, outcome: outcome,
                                             detail: "receipt verified against the audit trail: \(verdict.sentence)"))
        return verdict
    }

    private func checkReceipt(_ receipt: ReferralReceipt, pinnedKey: Curve25519.Signing.PublicKey?) async throws -> ReceiptVerdict {
        // What the receipt says must be what its cited records say.
        if let differs = ReceiptBuilder.inconsistency(of: receipt) { return .differs(differs) }
        guard let cited = receipt.audit.checkpoint else { return .differs("the receipt cites no signed checkpoint") }
        // The signature: by the pinned key, else by this trail's own key; never by a key the receipt brings.
        guard let book = configuration.checkpoints else { return .differs("this database keeps no signed checkpoints to check the receipt against") }
        let key = try pinnedKey ?? book.signingKey().publicKey
        guard let hash = Data(hex: cited.hash), let signature = Data(base64Encoded: cited.signature),
              let at = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(cited.at) else {
            return .differs("the receipt's checkpoint is not well formed")
        }
        let checkpoint = AuditCheckpoint(sequence: cited.sequence, hash: hash, at: at, signature: signature)
        guard checkpoint.isSigned(by: key) else {
            return .differs("the checkpoint's signature does not verify with the audit key \(AuditSigningKey.fingerprint(key))")
        }
        // The chain from its start to the checkpoint, with each cited record as the trail holds it.
        let wanted = Dictionary(receipt.audit.records.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        for sequence in wanted.keys.sorted() where sequence > cited.sequence || sequence < 1 {
            return .differs("record \(sequence) is not in the audit trail up to the checkpoint at record \(cited.sequence) (unknown sequence)")
        }
        var verifier = AuditChain.Verifier(checkpoints: [checkpoint], publicKey: key)
        var after: Int64 = 0
        var seen: Set<Int64> = []
        while after < cited.sequence {
            let page = try await trail.records(after: after, limit: Int(min(5_000, cited.sequence - after)))
            guard !page.isEmpty else { break }
            for record in page {
                if case .broken(let sequence, let reason) = verifier.check(record) {
                    return .differs("the audit chain is broken at record \(sequence): \(reason)")
                }
                if let claim = wanted[record.event.sequence] {
                    if let difference = ReceiptBuilder.difference(claim, record) { return .differs(difference) }
                    seen.insert(record.event.sequence)
                }
                after = record.event.sequence
            }
        }
        if let unknown = wanted.keys.sorted().first(where: { !seen.contains($0) }) {
            return .differs("record \(unknown) is not in the audit trail (unknown sequence)")
        }
        if case .broken(_, let reason) = verifier.finish() { return .differs("the checkpoint does not match the audit trail: \(reason)") }
        return .matches(records: wanted.count, checkpoint: cited.sequence)
    }
}

/// What `verifyReceipt` found.
public enum ReceiptVerdict: Hashable, Sendable {
    case matches(records: Int, checkpoint: Int64)
    case differs(String)

    public var sentence: String {
        switch self {
        case .matches(let records, let checkpoint):
            "the receipt matches the audit trail: its \(records) audit records are in the chain, intact up to the signed checkpoint at record \(checkpoint)"
        case .differs(let why): "the receipt does not match the audit trail: \(why)"
        }
    }
}

extension Data {
    /// Bytes from lower- or upper-case hex; nil for anything else.
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

extension AuditCheckpoint {
    /// A checkpoint as a receipt cites it, to check its signature.
    init(sequence: Int64, hash: Data, at: Date, signature: Data) {
        self.sequence = sequence
        self.hash = hash
        self.at = at
        self.signature = signature
    }
}
