import Foundation
import Testing

/// `trellis consent revoke` says what it did and whom it told; `trellis consent sweep` handles each
/// consent whose expiry has passed once, on both backends.
@Suite struct ConsentCommandTests {
    typealias Workspace = ReferralCommandTests.Workspace

    /// Moves the referral's consent expiry into the past, behind the store's back (a consent cannot be recorded expired).
    static func expire(_ referralID: String, in w: Workspace, backend: ReferralCommandTests.Backend) throws {
        let sql = "UPDATE consent SET expires_at = '2000-01-01 00:00:00.000' WHERE id = (SELECT consent_id FROM referral WHERE id = '\(referralID)')"
        let done: CLIRunner.Result
        switch backend {
        case .sqlite:
            done = try CLIRunner.runTool(URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", w.db, sql])
        case .postgres:
            let parts = w.db.components(separatedBy: "?search_path=")
            let timestamp = sql.replacingOccurrences(of: "'2000-01-01 00:00:00.000'", with: "'2000-01-01T00:00:00Z'")
            done = try CLIRunner.runTool(URL(fileURLWithPath: "/usr/bin/env"), ["psql", parts[0], "-qc", "SET search_path TO \(parts[1]); \(timestamp)"])
        }
        #expect(done.status == 0, "\(done.stderr)")
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func revokeSaysWhatItDidAndSweepHandlesAnExpiredConsentOnce(_ backend: ReferralCommandTests.Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()
        let revokedID = try #require(try w.create()["id"] as? String)
        let revoked = try w.trellis(["consent", "revoke", revokedID, "--json"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let answer = try revoked.json()
        #expect(answer["reason"] as? String == "revoked")
        #expect(answer["partner_messages"] as? [String] == [], "never delivered: nobody is told")

        let expiring = try #require(try w.create()["id"] as? String)
        #expect(try w.trellis(["consent", "sweep", "--json"]).list().isEmpty)
        try Self.expire(expiring, in: w, backend: backend)
        let swept = try w.trellis(["consent", "sweep", "--json"])
        #expect(swept.status == 0, "\(swept.stderr)")
        let handled = try swept.list()
        #expect(handled.map { $0["referral_id"] as? String } == [expiring])
        #expect(handled.first?["reason"] as? String == "expired" && handled.first?["cancelled"] as? [String] == [expiring])
        #expect(try w.trellis(["consent", "sweep"]).stdout.hasPrefix("0 expired consents handled"))
        #expect(try w.trellis(["referral", "show", expiring, "--json"]).json()["status"] as? String == "cancelled")
    }
}

extension CLIRunner.Result {
    /// The standard output as a JSON array of objects.
    func list() throws -> [[String: Any]] {
        guard let list = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]] else { throw CocoaError(.propertyListReadCorrupt) }
        return list
    }
}
