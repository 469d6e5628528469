import TrellisCore
import TrellisDelivery
import TrellisStore

extension PartnerBook {
    /// The partners the server delivers to: a partners file's entries, stored first (so answers and
    /// deadlines know them), or without a file the partners already stored.
    static func serving(_ fromFile: [Partner]?, store: any PartnerRepository) async throws -> PartnerBook {
        guard let fromFile else { return try PartnerBook(try await store.partners()) }
        for partner in fromFile { try await store.savePartner(partner, context: AuditContext(actor: "system:server", purpose: "operations")) }
        return try PartnerBook(fromFile)
    }
}
