import Foundation
import GRDB

extension SQLiteStore {
    public func recipientOrganization(referralID: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT organization_id FROM referral WHERE id = ?", arguments: [referralID]) }
    }
}
