import Foundation
import Hummingbird
import Synchronization
import Testing
import TrellisTestSupport
import TrellisCore
import TrellisDelivery
import TrellisStore

/// Two agencies that both call their client "P-1042": each partner's delivered payload carries only
/// the person its referring agency meant, with or without details in the new referral.
@Suite struct PersonPerOrganizationDeliveryTests {
    /// A partner that keeps every body it is sent, by route.
    final class Recorder: Sendable {
        let bodies = Mutex<[String: [String]]>([:])

        var router: Router<BasicRequestContext> {
            let router = Router()
            for route in ["a", "b"] {
                router.post("/\(route)") { request, _ -> Response in
                    let body = try await request.body.collect(upTo: 1 << 20)
                    self.bodies.withLock { $0[route, default: []].append(String(buffer: body)) }
                    return Response(status: .created)
                }
            }
            return router
        }
    }

    static func referral(from organization: String, to recipient: String, name: String?, phone: String?) -> NewReferral {
        var profile = DeliveryFixtures.profile
        profile.person.name = name
        profile.person.phone = phone
        profile.person.email = nil
        let consent = Consent(recipient: recipient, categories: [.contact, .needs], method: .verbal, capturedBy: "cw-7",
                              capturedAt: Date().addingTimeInterval(-3_600))
        var request = NewReferral(profile: profile, serviceID: "svc-\(recipient)", consent: consent)
        request.referrerOrganizationID = organization
        return request
    }

    @Test func eachPartnerReceivesOnlyItsOwnReferrersPerson() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let recorder = Recorder()
        let server = try await LoopbackServer.start(recorder.router)
        defer { server.stop() }
        let caseWorker = AuditContext(actor: "cw-7", purpose: "treatment")
        // Agency B's client, with details, to the partner at /b; then agency A's, with details and again without, to /a.
        _ = try await rig.store.createReferral(Self.referral(from: "ORG-B", to: "ORG-7", name: "Beatrix Bravo", phone: "+1-402-555-0111"), context: caseWorker)
        _ = try await rig.store.createReferral(Self.referral(from: "ORG-A", to: "ORG-42", name: "Alexandra Able", phone: "+1-402-555-0122"), context: caseWorker)
        _ = try await rig.store.createReferral(Self.referral(from: "ORG-A", to: "ORG-42", name: nil, phone: nil), context: caseWorker)

        let worker = try rig.worker([DeliveryRig.partner("a", endpoint: server.url("/a"), organizations: ["ORG-42"]),
                                     DeliveryRig.partner("b", endpoint: server.url("/b"), organizations: ["ORG-7"])])
        let tally = try await worker.drain(maxWait: 0)
        #expect(tally.delivered == 3)
        let bodies = recorder.bodies.withLock { $0 }
        let toA = bodies["a"] ?? [], toB = bodies["b"] ?? []
        #expect(toA.count == 2 && toB.count == 1)
        for payload in toA {
            #expect(payload.contains("Alexandra") && payload.contains("555-0122"), "A's referrals carry A's client")
            #expect(!payload.contains("Beatrix") && !payload.contains("555-0111"), "never B's client")
        }
        for payload in toB {
            #expect(payload.contains("Beatrix") && payload.contains("555-0111"), "B's client was not overwritten by A's")
            #expect(!payload.contains("Alexandra") && !payload.contains("555-0122"))
        }
    }
}
