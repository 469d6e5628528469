import Foundation
import Logging
import Testing
import TrellisTestSupport
import TrellisCore
import TrellisDelivery
import TrellisPartnerSimulator
import TrellisStore

/// The worker against real servers on 127.0.0.1: the partner simulator, and partners that fail,
/// hang, reset, ask for a pause, are gone, or present certificates.
@Suite(.serialized) struct DeliveryWorkerTests {
    static func simulator(secret: String = DeliveryFixtures.secret) async throws -> (PartnerSimulator, LoopbackServer) {
        let simulator = try PartnerSimulator(settings: .init(secret: secret), logger: LoopbackServer.logger)
        return (simulator, try await LoopbackServer.start(simulator.router()))
    }

    @Test func aReferralReachesThePartnerSignedAndIsRecordedAsDelivered() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let (simulator, server) = try await Self.simulator()
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let worker = try rig.worker([DeliveryRig.partner("harbor", endpoint: server.url("/referrals"))])

        let tally = try await worker.drain(maxWait: 0)
        #expect(tally.delivered == 1 && tally.attempts == 1)
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .delivered)
        let receipt = try #require(simulator.ledger.receipt(referralID: referral.id), "the partner verified the signature and kept it")
        #expect(receipt.idempotencyKey == entry.idempotencyKey)
        #expect(simulator.ledger.counts.badSignatures == 0)
        let attempts = try await rig.store.deliveryAttempts(referralID: referral.id)
        #expect(attempts.map(\.httpStatus) == [201])
        #expect(attempts.first?.outcome == .delivered)
        let audit = try await rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
        let disclosure = try #require(audit.last { $0.action == .execute && $0.entityID == referral.id })
        #expect(disclosure.outcome == .success)
        #expect(disclosure.detail?.contains("disclosed contact,needs") == true)
        #expect(audit.contains { $0.action == .read && $0.detail == "for delivery of \(referral.id)" })
    }

    @Test func aSignatureTheParterCannotVerifyIsRefusedAndFailsForGood() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let (simulator, server) = try await Self.simulator(secret: WebhookSecret.generate())
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let tally = try await rig.worker([DeliveryRig.partner("harbor", endpoint: server.url("/referrals"))]).drain(maxWait: 0)
        #expect(tally.failed == 1)
        #expect(simulator.ledger.counts.badSignatures == 1)
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .failed)
        #expect(entry.lastError?.contains("HTTP 401") == true)
    }

    @Test func serverErrorsAreRetriedWithTheSameIdempotencyKeyUntilDelivered() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner(flakyFailures: 2)
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let tally = try await rig.worker([DeliveryRig.partner("flaky", endpoint: server.url("/flaky"))]).drain(maxWait: 5)
        #expect(tally.delivered == 1 && tally.retrying == 2)
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .delivered && entry.attempts == 3)
        #expect(Set(partner.keys("flaky")) == [entry.idempotencyKey])
        let attempts = try await rig.store.deliveryAttempts(referralID: referral.id)
        #expect(attempts.map(\.outcome) == [.retry, .retry, .delivered])
        #expect(attempts.map(\.httpStatus) == [502, 502, 201])
    }

    @Test func retryAfterIsHonoured() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let worker = try rig.worker([DeliveryRig.partner("busy", endpoint: server.url("/busy"))])
        let before = Date()
        _ = try await worker.deliverDue()
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .pending)
        // Retry-After: 1000 s, scaled by 0.001 like every delay: at least a second from now.
        let next = try #require(entry.nextAttemptAt)
        #expect(next.timeIntervalSince(before) >= 0.99)
        let tally = try await worker.drain(maxWait: 3)
        #expect(tally.delivered == 1)
        #expect(partner.count("busy") == 2)
    }

    @Test func goneMarksEveryPendingReferralOfThatPartnerUndeliverable() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let referrals = try await rig.refer(3)
        let tally = try await rig.worker([DeliveryRig.partner("gone", endpoint: server.url("/gone"))]).drain(maxWait: 0)
        #expect(partner.count("gone") == 1, "one 410 is enough: nothing more is sent to a partner that is gone")
        #expect(tally.undeliverable == 3 && tally.attempts == 1)
        for referral in referrals { #expect(try await rig.outbox(referral).state == .undeliverable) }
        // By hand, once the partner is back.
        let entry = try await rig.store.retryDelivery(referralID: referrals[0].id, context: AuditContext(actor: "cw-7", purpose: "treatment"))
        #expect(entry.state == .pending)
        await #expect(throws: StoreError.self) {
            _ = try await rig.store.retryDelivery(referralID: "ref-missing", context: AuditContext(actor: "cw-7", purpose: "treatment"))
        }
    }

    @Test(arguments: [("/invalid", 422, "Patient.birthDate"), ("/redirect", 308, "")])
    func otherClientErrorsAndRedirectsFailForGoodWithTheResponseKept(path: String, status: Int, excerpt: String) async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let tally = try await rig.worker([DeliveryRig.partner("strict", endpoint: server.url(path))]).drain(maxWait: 2)
        #expect(tally.failed == 1 && tally.attempts == 1)
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .failed)
        #expect(entry.lastError?.contains("HTTP \(status)") == true)
        let attempt = try #require(try await rig.store.deliveryAttempts(referralID: referral.id).first)
        #expect(attempt.httpStatus == status && attempt.errorClass == "http")
        #expect(excerpt.isEmpty ? attempt.responseExcerpt != nil : attempt.responseExcerpt?.contains(excerpt) == true)
    }

    @Test func aPartnerThatHangsTimesOutAndIsRetried() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let referral = try #require(try await rig.refer().first)
        let worker = try rig.worker([DeliveryRig.partner("slow", endpoint: server.url("/hang"))],
                                    settings: DeliveryRig.settings(timeout: .milliseconds(500)))
        _ = try await worker.deliverDue()
        let attempt = try #require(try await rig.store.deliveryAttempts(referralID: referral.id).first)
        #expect(attempt.errorClass == "timeout")
        #expect(attempt.outcome == .retry)
        #expect(attempt.durationMS >= 450, "it waited for its time limit rather than failing at once")
        #expect(try await rig.outbox(referral).state == .pending)
    }

    @Test func aResetConnectionAndARefusedOneAreNetworkErrorsAndRetried() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let resetting = try await ResettingServer.start()
        let closed = try await ResettingServer.start()
        let closedPort = closed.port
        await closed.stop()
        let referrals = try await rig.refer(1) + (try await rig.refer(1, to: "ORG-7"))
        let worker = try rig.worker([DeliveryRig.partner("reset", endpoint: "http://127.0.0.1:\(resetting.port)/referrals"),
                                     DeliveryRig.partner("closed", endpoint: "http://127.0.0.1:\(closedPort)/referrals", organizations: ["ORG-7"])])
        _ = try await worker.deliverDue()
        await resetting.stop()
        let reset = try #require(try await rig.store.deliveryAttempts(referralID: referrals[0].id).first)
        #expect(reset.errorClass == "network")
        let refused = try #require(try await rig.store.deliveryAttempts(referralID: referrals[1].id).first)
        #expect(refused.errorClass == "connect")
        for referral in referrals { #expect(try await rig.outbox(referral).state == .pending) }
    }

    @Test func theCircuitBreakerPausesOnlyTheFailingPartner() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        try await rig.refer(6, to: "ORG-42")
        let healthy = try await rig.refer(4, to: "ORG-7")
        var settings = DeliveryRig.settings()
        settings.breakerCoolDown = 60_000  // × 0.001: a minute, so no trial request comes within the test
        let worker = try rig.worker([DeliveryRig.partner("down", endpoint: server.url("/fail")),
                                     DeliveryRig.partner("up", endpoint: server.url("/ok"), organizations: ["ORG-7"])], settings: settings)
        // The drain sees the circuit open and stops once nothing else is due.
        let tally = try await worker.drain(maxWait: 0)
        #expect(partner.count("fail") == 3, "three failures open the circuit; the rest of that queue waits")
        #expect(tally.paused >= 3)
        #expect(partner.count("ok") == 4)
        for referral in healthy { #expect(try await rig.outbox(referral).state == .delivered) }
    }

    @Test func aPartnerThatHangsHoldsOnlyItsOwnSlots() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        // The hanging partner's referrals are due first and would fill every slot.
        let hanging = try await rig.refer(6, to: "ORG-42")
        let early = try await rig.refer(3, to: "ORG-7")
        let settings = DeliveryRig.settings(concurrency: 4, timeout: .seconds(8))  // long enough that a loaded machine still delivers the others first
        #expect(settings.perPartnerConcurrency == 2)
        let worker = try rig.worker([DeliveryRig.partner("hangs", endpoint: server.url("/hang")),
                                     DeliveryRig.partner("answers", endpoint: server.url("/ok"), organizations: ["ORG-7"])], settings: settings)
        let draining = Task { try await worker.drain(maxWait: 0) }
        try await Self.waitUntil { partner.count("hang") == 2 && partner.count("ok") == 3 }
        // Made while the hanging partner holds its two slots: found by the worker's poll, not after a timeout.
        let late = try await rig.refer(3, to: "ORG-7")
        try await Self.waitUntil { partner.count("ok") == 6 }
        // The partner has answered; the worker records the deliveries a moment later.
        try await Self.waitUntil {
            for referral in early + late where try await rig.outbox(referral).state != .delivered { return false }
            return true
        }
        for referral in early + late {
            #expect(try await rig.outbox(referral).state == .delivered)
        }
        #expect(partner.count("hang") == 2, "no more requests to the hanging partner than its slots")
        for referral in hanging {
            #expect(try await rig.store.deliveryAttempts(referralID: referral.id).isEmpty, "its requests are still out")
        }
        draining.cancel()
        _ = try? await draining.value
    }

    /// Polls `condition` every 20 ms; fails after 30 s (a limit for a stuck test, not a measurement).
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aCertificateFromThePartnersCAIsTrustedAndAStrangerIsNot() async throws {
        let certificates = try TestCertificates.make()
        defer { try? FileManager.default.removeItem(at: certificates.folder) }
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let trusted = try await LoopbackServer.start(partner.router, tls: try certificates.serverConfiguration())
        let stranger = try await LoopbackServer.start(partner.router, tls: try certificates.serverConfiguration(stranger: true))
        defer { trusted.stop(); stranger.stop() }
        let referrals = try await rig.refer(1) + (try await rig.refer(1, to: "ORG-7"))
        let worker = try rig.worker([
            DeliveryRig.partner("tls", endpoint: trusted.url("/ok", scheme: "https"), caBundle: certificates.caPEM),
            DeliveryRig.partner("impostor", endpoint: stranger.url("/ok", scheme: "https"), organizations: ["ORG-7"], caBundle: certificates.caPEM),
        ])
        _ = try await worker.deliverDue()
        #expect(try await rig.outbox(referrals[0]).state == .delivered)
        let refused = try #require(try await rig.store.deliveryAttempts(referralID: referrals[1].id).first)
        #expect(refused.errorClass == "tls")
        #expect(try await rig.outbox(referrals[1]).state == .pending)
        #expect(partner.count("ok") == 1, "nothing reached the server whose certificate was not trusted")
    }

    @Test func mutualTLSPresentsTheClientCertificateThePartnerRequires() async throws {
        let certificates = try TestCertificates.make()
        defer { try? FileManager.default.removeItem(at: certificates.folder) }
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = FaultyPartner()
        let server = try await LoopbackServer.start(partner.router, tls: try certificates.serverConfiguration(requireClientCertificate: true))
        defer { server.stop() }
        let referrals = try await rig.refer(1) + (try await rig.refer(1, to: "ORG-7"))
        var withCertificate = DeliveryRig.partner("mtls", endpoint: server.url("/ok", scheme: "https"), caBundle: certificates.caPEM)
        withCertificate.auth = Partner.Authentication(clientCertificate: certificates.clientPEM, clientKey: certificates.clientKey)
        let without = DeliveryRig.partner("anonymous", endpoint: server.url("/ok", scheme: "https"), organizations: ["ORG-7"], caBundle: certificates.caPEM)
        _ = try await rig.worker([withCertificate, without]).deliverDue()
        #expect(try await rig.outbox(referrals[0]).state == .delivered)
        #expect(try await rig.outbox(referrals[1]).state == .pending)
        #expect(try await rig.store.deliveryAttempts(referralID: referrals[1].id).first?.errorClass != nil)
        #expect(partner.count("ok") == 1, "only the client with a certificate got through")
    }

    @Test func aReferralWithdrawnOrWithoutAPartnerIsNotSent() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let orphan = try #require(try await rig.refer(1, to: "ORG-7").first)
        let tally = try await rig.worker([]).drain(maxWait: 0)
        #expect(tally.failed == 1 && tally.attempts == 0)
        #expect(try await rig.outbox(orphan).lastError?.contains("no partner answers for organization ORG-7") == true)
    }
}
