import Foundation
import Testing

/// `trellis user add`: a token shown once, or a password read from standard input.
@Suite struct UserCommandTests {
    typealias Workspace = ReferralCommandTests.Workspace

    @Test func aUserWithoutAPasswordGetsATokenShownOnce() throws {
        let w = try Workspace(.sqlite)
        defer { w.remove() }
        let added = try w.trellis(["user", "add", "--role", "caseworker", "--org", "RB-ORG-101", "--name", "Dana Ruiz", "--id", "cw-9",
                                   "--token-days", "30", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let json = try added.json()
        #expect(json["id"] as? String == "cw-9" && json["role"] as? String == "caseworker" && json["organization_id"] as? String == "RB-ORG-101")
        let token = try #require(json["token"] as? String)
        #expect(token.hasPrefix("trt_") && token.count > 40)
        #expect(json["token_expires_at"] is String)

        let again = try w.trellis(["user", "add", "--role", "admin", "--org", "COUNTY", "--name", "Someone", "--id", "cw-9"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("a user cw-9 already exists"))
        // The audit trail has the user and the token, never the token's secret.
        let export = try w.trellis(["audit", "export", "--format", "fhir"])
        #expect(export.stdout.contains("cw-9"))
        #expect(!export.stdout.contains(token))
    }

    @Test func aPasswordIsReadFromStandardInputAndMustBeLongEnough() throws {
        let w = try Workspace(.sqlite)
        defer { w.remove() }
        let short = try CLIRunner.run(["user", "add", "--role", "supervisor", "--org", "RB-ORG-101", "--name", "Lee", "--password-stdin", "--db", w.db],
                                      environment: w.environment, input: "hunter2\n")
        #expect(short.status == 1)
        #expect(short.stderr.contains("at least 12 characters"))
        let added = try CLIRunner.run(["user", "add", "--role", "supervisor", "--org", "RB-ORG-101", "--name", "Lee", "--id", "sup-1",
                                       "--password-stdin", "--db", w.db], environment: w.environment, input: "correct horse battery staple\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added supervisor sup-1 in RB-ORG-101; password set"))
        #expect(!added.stdout.contains("token"))
        let bad = try w.trellis(["user", "add", "--role", "boss", "--org", "X", "--name", "Y"])
        #expect(bad.status != 0 && bad.stderr.contains("boss"))
    }
}
