import Foundation
import Logging
import Testing
import TrellisCore
import TrellisDelivery
import TrellisPartnerSimulator
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Partners' answers over real HTTP on 127.0.0.1, sent with libcurl the way a partner would.
@Suite(.serialized) struct PartnerAnswerRouteTests {
    static let client = CurlClient(concurrency: 2)

    /// The API's error envelope: `{"error": {"code", "message", "field"}}`.
    static func error(_ json: [String: Any]) -> [String: Any]? { json["error"] as? [String: Any] }
    static let otherSecret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    /// The server over a rig whose two partners are stored: harbor answers for ORG-42, beacon for ORG-7.
    struct Served {
        let rig: DeliveryRig
        let server: LoopbackServer
        var port: Int { server.port }

        static func start(harborMode: Partner.StatusMode = .callback, harborEndpoint: String = "http://127.0.0.1:9/referrals") async throws -> Served {
            let rig = try await DeliveryRig.make()
            var harbor = DeliveryRig.partner("harbor", endpoint: harborEndpoint)
            harbor.statusMode = harborMode
            let beacon = DeliveryRig.partner("beacon", endpoint: "http://127.0.0.1:9/in", organizations: ["ORG-7"], secret: otherSecret)
            for partner in [harbor, beacon] { try await rig.store.savePartner(partner, context: AuditContext(actor: "admin-1", purpose: "operations")) }
            let server = try await LoopbackServer.start { reportPort in
                try await buildApplication(settings: APIFixture.settings(matcher: APIFixture.matcher), store: rig.store, logger: LoopbackServer.logger, onRunning: reportPort)
            }
            return Served(rig: rig, server: server)
        }

        func stop() async {
            server.stop()
            await rig.close()
        }

        /// Sends `body` signed with `secret` (at `timestamp`, as message `id`).
        func send(_ method: OutgoingRequest.Method, _ path: String, _ body: String, secret: String = DeliveryFixtures.secret,
                  id: String = "msg_\(UUID().uuidString)", timestamp: Date = Date()) async throws -> (status: Int, json: [String: Any]) {
            let data = Data(body.utf8)
            let headers = [("Content-Type", "application/json")]
                + StandardWebhooks.headers(id: id, timestamp: timestamp, body: data, secrets: [try WebhookSecret(secret)])
            let response = try await PartnerAnswerRouteTests.client.send(
                OutgoingRequest(method: method, url: URL(string: "http://127.0.0.1:\(port)\(path)")!, headers: headers, body: data),
                settings: TransportSettings(), connectionKey: "test")
            return (response.status, (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:])
        }
    }

    @Test func aSignedAcceptanceMovesTheReferralAndIsAudited() async throws {
        let served = try await Served.start()
        let referral = try #require(try await served.rig.refer().first)
        let answer = try await served.send(.post, "/v1/partners/harbor/status", #"{"referral_id": "\#(referral.id)", "status": "accepted"}"#)
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "accepted" && answer.json["version"] as? Int == 2)
        let stored = try await served.rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7"))
        let last = try #require(stored.history?.last)
        #expect(last.to == .accepted && last.party == .agency && last.source == .callback && last.actor == "partner:harbor")
        let audit = try await served.rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
        let change = try #require(audit.last { $0.action == .update && $0.entityID == referral.id })
        #expect(change.actor == "partner:harbor" && change.sourceAddress == "127.0.0.1")
        await served.stop()
    }

    @Test func theSameMessageTwiceIsARefusedReplay() async throws {
        let served = try await Served.start()
        let referral = try #require(try await served.rig.refer().first)
        let body = #"{"referral_id": "\#(referral.id)", "status": "accepted"}"#
        #expect(try await served.send(.post, "/v1/partners/harbor/status", body, id: "msg_once").status == 200)
        let replay = try await served.send(.post, "/v1/partners/harbor/status", body, id: "msg_once")
        #expect(replay.status == 409)
        #expect(Self.error(replay.json)?["code"] as? String == "replay")
        #expect((Self.error(replay.json)?["message"] as? String)?.contains("replay") == true)
        let stored = try await served.rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7"))
        #expect(stored.version == 2, "the replay changed nothing")
        await served.stop()
    }

    @Test(arguments: [
        ("another partner's secret", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "accepted"}"#, "other-secret", 401, "signature"),
        ("a timestamp ten minutes old", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "accepted"}"#, "stale", 401, "300 s"),
        ("an unknown partner", "/v1/partners/nobody/status", #"{"referral_id": "REF", "status": "accepted"}"#, "", 404, "no partner nobody"),
        ("another organization's referral", "/v1/partners/beacon/status", #"{"referral_id": "REF", "status": "accepted"}"#, "other-secret", 403, "was not sent to partner beacon"),
        ("an illegal move", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "completed"}"#, "", 422, "cannot become completed"),
        ("a rejection without a reason", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "rejected"}"#, "", 422, "reason"),
        ("a referrer's move", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "cancelled", "reason": "x"}"#, "", 422, "referrer"),
        ("not JSON", "/v1/partners/harbor/status", "status=accepted", "", 400, "JSON object"),
        ("an unknown field", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "accepted", "colour": 1}"#, "", 400, "colour: unknown field"),
        ("an unknown status", "/v1/partners/harbor/status", #"{"referral_id": "REF", "status": "approved"}"#, "", 400, "approved"),
        ("a referral that does not exist", "/v1/partners/harbor/status", #"{"referral_id": "ref-nope", "status": "accepted"}"#, "", 404, "no referral ref-nope"),
    ])
    func aBadAnswerIsRefusedSayingWhyAndChangesNothing(_ what: String, _ path: String, _ body: String, _ variant: String,
                                                      _ status: Int, _ message: String) async throws {
        let served = try await Served.start()
        let referral = try #require(try await served.rig.refer().first)
        let answer = try await served.send(.post, path, body.replacingOccurrences(of: "REF", with: referral.id),
                                           secret: variant == "other-secret" ? Self.otherSecret : DeliveryFixtures.secret,
                                           timestamp: variant == "stale" ? Date().addingTimeInterval(-600) : Date())
        #expect(answer.status == status, "\(what): \(answer.json)")
        #expect((Self.error(answer.json)?["message"] as? String)?.contains(message) == true, "\(what): \(answer.json)")
        #expect(Self.error(answer.json)?["code"] is String)
        if message == "reason" { #expect(Self.error(answer.json)?["code"] as? String == "reason_required" && Self.error(answer.json)?["field"] as? String == "reason") }
        let stored = try await served.rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7"))
        #expect(stored.status == .requested && stored.version == 1, "\(what) changed nothing")
        await served.stop()
    }

    @Test func aFHIRTaskPutIsAppliedWithItsReason() async throws {
        let served = try await Served.start()
        let referral = try #require(try await served.rig.refer().first)
        let task = #"{"resourceType": "Task", "identifier": [{"system": "urn:trellis:referral", "value": "\#(referral.id)"}], "status": "rejected", "intent": "order", "statusReason": {"text": "no beds until March"}}"#
        let answer = try await served.send(.put, "/fhir/Task/\(referral.id)", task)
        #expect(answer.status == 200, "\(answer.json)")
        let stored = try await served.rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7"))
        #expect(stored.status == .rejected)
        #expect(stored.history?.last?.reason == "no beds until March")
        let wrongSigner = try await served.send(.put, "/fhir/Task/\(referral.id)", task, secret: Self.otherSecret)
        #expect(wrongSigner.status == 401, "only the partner the referral went to may answer for it")
        await served.stop()
    }

    /// The whole loop on 127.0.0.1: the worker delivers to the simulator, which accepts and calls back.
    @Test(.timeLimit(.minutes(1))) func theLoopClosesThroughTheSimulatorsCallback() async throws {
        // Start the server first so the simulator knows where to call back.
        let rig = try await DeliveryRig.make()
        let trellis = try await LoopbackServer.start { reportPort in
            try await buildApplication(settings: APIFixture.settings(matcher: APIFixture.matcher), store: rig.store, logger: LoopbackServer.logger, onRunning: reportPort)
        }
        let port = trellis.port
        let simulator = try PartnerSimulator(settings: .init(secret: DeliveryFixtures.secret, acceptAfter: 0.05,
                                                             callback: URL(string: "http://127.0.0.1:\(port)/v1/partners/harbor/status")),
                                             logger: LoopbackServer.logger)
        let partnerServer = try await LoopbackServer.start(simulator.router())
        let harbor = DeliveryRig.partner("harbor", endpoint: partnerServer.url("/referrals"))
        try await rig.store.savePartner(harbor, context: AuditContext(actor: "admin-1", purpose: "operations"))
        let referral = try #require(try await rig.refer().first)

        let tally = try await rig.worker([harbor]).drain(maxWait: 0)
        #expect(tally.delivered == 1)
        // The simulator counts its callback once Trellis has answered it, so the answer is applied by then.
        await simulator.ledger.wait { $0.counts.callbacksSent + $0.counts.callbacksFailed > 0 }
        let status = try await rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7")).status
        #expect(status == .accepted)
        #expect(simulator.ledger.counts.callbacksSent == 1)
        partnerServer.stop()
        trellis.stop()
        await rig.close()
    }

    @Test(.timeLimit(.minutes(1))) func aPartnerThatCannotCallBackIsPolled() async throws {
        let simulator = try PartnerSimulator(settings: .init(secret: DeliveryFixtures.secret, acceptAfter: 0), logger: LoopbackServer.logger)
        let partnerServer = try await LoopbackServer.start(simulator.router())
        let rig = try await DeliveryRig.make()
        var harbor = DeliveryRig.partner("harbor", endpoint: partnerServer.url("/referrals"))
        harbor.statusMode = .poll
        let referrals = try await rig.refer(2)
        _ = try await rig.worker([harbor]).drain(maxWait: 0)
        // The simulated agency accepts in a task of its own: wait until it has, rather than for a while.
        await simulator.ledger.wait { $0.receipts.count == 2 && $0.receipts.allSatisfy { $0.status == "accepted" } }
        let poller = StatusPoller(store: rig.store, partners: try PartnerBook([harbor]), client: Self.client, logger: LoopbackServer.logger)
        #expect(try await poller.pollOnce() == 2)
        for referral in referrals {
            let stored = try await rig.store.referral(id: referral.id, context: AuditContext(actor: "cw-7"))
            #expect(stored.status == .accepted)
            #expect(stored.history?.last?.source == .poll)
        }
        #expect(try await poller.pollOnce() == 0, "nothing changed since")
        partnerServer.stop()
        await rig.close()
    }
}
