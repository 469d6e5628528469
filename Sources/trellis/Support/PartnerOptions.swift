import ArgumentParser
import Foundation
import TrellisCore
import TrellisDelivery
import TrellisStore

/// `--partners FILE`: which partner agencies a worker delivers to.
struct PartnerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The partners file (default: config/partners.json when it exists, else the partners in the database).", valueName: "file"))
    var partners: String?

    /// The partners file's entries (stored into `store`, so answers and deadlines know them), or the stored partners.
    func book(_ store: any PartnerRepository, actor: String) async throws -> PartnerBook {
        guard let fromFile = try fileEntries() else { return try PartnerBook(try await store.partners()) }
        for partner in fromFile { try await store.savePartner(partner, context: AuditContext(actor: actor, purpose: "operations")) }
        return try PartnerBook(fromFile)
    }

    /// The partners file's entries, or nil when there is no partners file.
    func fileEntries() throws -> [Partner]? {
        let path = partners ?? (FileManager.default.fileExists(atPath: "config/partners.json") ? "config/partners.json" : nil)
        guard let path else { return nil }
        do { return try PartnersFile.load(path) } catch {
            throw CommandFailure("\(error)")
        }
    }
}
