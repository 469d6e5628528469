import Foundation
import PostgresNIO

extension PostgresStore {
    public func recipientOrganization(referralID: String) async throws -> String? {
        try await client.query("SELECT organization_id FROM referral WHERE id = \(referralID)", logger: logger).first?.decode(String.self)
    }
}
