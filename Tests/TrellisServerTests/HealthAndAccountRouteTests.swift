import Foundation
import Testing
import TrellisDelivery
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Health, readiness, the error envelope and bearer-token sign-in, over live HTTP on 127.0.0.1.
@Suite(.serialized) struct HealthAndAccountRouteTests {
    static let client = CurlClient(concurrency: 2)

    static func start(directory: Bool = true, failures: FailedAuthentications = FailedAuthentications()) async throws -> (DeliveryRig, Int, LoopbackServer) {
        let rig = try await DeliveryRig.make(directory: directory)
        var parts = TrellisServerParts(store: rig.store)
        parts.failedAuthentications = failures
        let server = try await LoopbackServer.start { [parts] reportPort in
            TrellisApplication.make(parts, port: 0, logger: LoopbackServer.logger, onRunning: reportPort)
        }
        return (rig, server.port, server)
    }

    static func get(_ port: Int, _ path: String, token: String? = nil) async throws -> (status: Int, json: [String: Any], headers: [String: String]) {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await client.send(OutgoingRequest(method: .get, url: URL(string: "http://127.0.0.1:\(port)\(path)")!, headers: headers),
                                             settings: TransportSettings(), connectionKey: "test")
        return (response.status, (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:], response.headers)
    }

    @Test func healthAndReadinessSayWhatIsMissing() async throws {
        let (ready, port, server) = try await Self.start()
        #expect(try await Self.get(port, "/healthz").status == 200)
        let readiness = try await Self.get(port, "/readyz")
        #expect(readiness.status == 200 && readiness.json["status"] as? String == "ready")
        #expect((readiness.json["directory"] as? [String: Any])?["services"] as? Int == 2)
        server.stop()
        await ready.close()

        let (empty, emptyPort, emptyServer) = try await Self.start(directory: false)
        let notReady = try await Self.get(emptyPort, "/readyz")
        #expect(notReady.status == 503)
        #expect((notReady.json["directory"] as? String)?.contains("none imported") == true)
        emptyServer.stop()
        await empty.close()
    }

    @Test func anUnknownRouteIsAJSONNotFound() async throws {
        let (rig, port, server) = try await Self.start()
        let missing = try await Self.get(port, "/v2/nothing-here")
        #expect(missing.status == 404)
        #expect((missing.json["error"] as? [String: Any])?["code"] as? String == "not_found")
        server.stop()
        await rig.close()
    }

    @Test func aBearerTokenSignsInAndEveryOtherCallIsTurnedAway() async throws {
        let failures = FailedAuthentications()
        let (rig, port, server) = try await Self.start(failures: failures)
        let admin = AuditContext(actor: "admin-1", purpose: "security")
        try await rig.store.addUser(UserAccount(id: "cw-9", name: "Dana Ruiz", role: .caseworker, organizationID: "ORG-COUNTY", createdAt: Date()),
                                    passwordHash: nil, context: admin)
        let token = try await rig.store.issueToken(userID: "cw-9", expiresAt: Date().addingTimeInterval(3_600), context: admin)

        let me = try await Self.get(port, "/v1/me", token: token.secret)
        #expect(me.status == 200)
        #expect(me.json["id"] as? String == "cw-9" && me.json["role"] as? String == "caseworker" && me.json["organization_id"] as? String == "ORG-COUNTY")

        let anonymous = try await Self.get(port, "/v1/me")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect((anonymous.json["error"] as? [String: Any])?["code"] as? String == "unauthenticated")
        let forged = try await Self.get(port, "/v1/me", token: "trt_" + String(repeating: "A", count: 43))
        #expect(forged.status == 401)

        var signIns = try await rig.store.audit.records(after: 0, limit: 1_000).map(\.event).filter { $0.entity == "session" }
        #expect(signIns.contains { $0.entityID == "cw-9" && $0.outcome == .success && $0.sourceAddress == "127.0.0.1" })
        #expect(!signIns.contains { $0.outcome == .denied }, "refusals are counted, not written one by one")
        #expect(failures.pending == 1, "the made-up token; no token at all is no attempt")
        try await failures.flush(to: rig.store.audit, everything: true)
        signIns = try await rig.store.audit.records(after: 0, limit: 1_000).map(\.event).filter { $0.entity == "session" }
        #expect(signIns.contains { $0.outcome == .denied && $0.entityID == "failed-authentications" && $0.sourceAddress == "127.0.0.1"
                                   && $0.detail?.hasPrefix("failed authentications: 1 in the minute from ") == true })
        server.stop()
        await rig.close()
    }
}
