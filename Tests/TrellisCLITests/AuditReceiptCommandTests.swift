import Foundation
import Testing

/// `trellis audit verify --receipt FILE` through the built executable, on SQLite and PostgreSQL: a
/// receipt as issued matches (exit 0, a sentence); a changed one, one citing an unknown record or one
/// with a forged signature does not (exit 1, a sentence naming what differs); a file that is no
/// receipt is exit 2. Each reading is on the audit trail.
@Suite struct AuditReceiptCommandTests {
    typealias Workspace = ReferralCommandTests.Workspace

    static func edited(_ text: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func aReceiptIsVerifiedAgainstTheAuditTrail(_ backend: ReferralCommandTests.Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        let issued = try w.trellis(["referral", "receipt", id, "--by", "cw-7"])
        #expect(issued.status == 0, "\(issued.stderr)")
        for value in ["Maria", "555-0199"] { #expect(!issued.stdout.contains(value)) }

        let good = try w.trellis(["audit", "verify", "--receipt", try w.write("receipt.json", issued.stdout), "--by", "county-auditor"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.hasPrefix("The receipt matches the audit trail"))

        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("tampered", { receipt in
                var consent = receipt["consent"] as? [String: Any] ?? [:]
                consent["categories"] = ["contact", "demographics", "needs", "substance_use"]
                receipt["consent"] = consent
            }, "the consented categories differ"),
            ("unknown", { receipt in
                var audit = receipt["audit"] as? [String: Any] ?? [:]
                var records = audit["records"] as? [[String: Any]] ?? []
                records[0]["sequence"] = 987_654
                audit["records"] = records
                receipt["audit"] = audit
                var consent = receipt["consent"] as? [String: Any] ?? [:]
                consent["audit_sequence"] = 987_654
                receipt["consent"] = consent
            }, "record 987654 is not in the audit trail up to the checkpoint"),
            ("forged", { receipt in
                var audit = receipt["audit"] as? [String: Any] ?? [:]
                var checkpoint = audit["checkpoint"] as? [String: Any] ?? [:]
                checkpoint["signature"] = Data(repeating: 1, count: 64).base64EncodedString()
                audit["checkpoint"] = checkpoint
                receipt["audit"] = audit
            }, "signature does not verify"),
        ]
        for (name, change, why) in cases {
            let path = try w.write("receipt-\(name).json", try Self.edited(issued.stdout, change))
            let result = try w.trellis(["audit", "verify", "--receipt", path])
            #expect(result.status == 1, "\(name): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.hasPrefix("The receipt does not match the audit trail: ") && result.stdout.contains(why), "\(name): \(result.stdout)")
        }
        let notAReceipt = try w.trellis(["audit", "verify", "--receipt", try w.write("not.json", #"{"hello": 1}"#)])
        #expect(notAReceipt.status == 2 && notAReceipt.stderr.contains("not a receipt"))
        #expect(try w.trellis(["audit", "verify", "--receipt", w.folder.appendingPathComponent("missing.json").path]).status == 2)

        // Every reading of a receipt is on the record, and the chain still holds.
        let export = try w.trellis(["audit", "export", "--format", "fhir"])
        let reads = export.stdout.split(separator: "\n").filter { $0.contains("receipt verified against the audit trail") }
        #expect(reads.count == 1 + cases.count)
        #expect(export.stdout.contains("county-auditor"))
        #expect(try w.trellis(["audit", "verify"]).status == 0)
    }
}
