import Foundation
import Logging
import Testing
import TrellisCore
import TrellisDelivery
import TrellisStore
import TrellisTestSupport

/// Notices through the worker to a real SMTP server on 127.0.0.1: what arrives names the agency and
/// the inbox and nothing of the person; a mail server that is down delays the notice, never the referral.
@Suite struct NoticeWorkerTests {
    static func rig() async throws -> DeliveryRig {
        let rig = try await DeliveryRig.make()
        let setup = AuditContext(actor: "admin-1", purpose: "operations")
        try await rig.store.savePartner(Partner(id: "inbox-42", organizations: ["ORG-42"], endpoint: nil, notifyEmail: "intake@agency42.example.org"),
                                        context: setup)
        return rig
    }

    static func worker(_ rig: DeliveryRig, url: String) throws -> NoticeWorker {
        let settings = try MailSettings(url: URL(string: url)!, from: MailAddress("trellis@county.example.org")!, connectTimeout: .seconds(2),
                                        totalTimeout: .seconds(5), site: URL(string: "https://trellis.county.example.org")!)
        var logger = Logger(label: "trellis.tests.notices")
        logger.logLevel = .critical
        return NoticeWorker(store: rig.store, sender: MailSender(settings: settings), logger: logger)
    }

    @Test func aWaitingReferralsNoticeReachesTheAgencyWithoutThePersonsData() async throws {
        let rig = try await Self.rig()
        let recorder = try await SMTPRecorder.start()
        defer { recorder.stop() }
        let referral = try #require(try await rig.refer(to: "ORG-42", categories: [.contact, .needs]).first)
        #expect(try await Self.worker(rig, url: recorder.url).runOnce() == 1)
        let message = try #require(try recorder.records().first)
        #expect(message.rcptTos == ["intake@agency42.example.org"])
        #expect(message.mailFrom == "trellis@county.example.org")
        let text = message.raw
        #expect(text.contains("A referral is waiting for Agency ORG-42 in Trellis: https://trellis.county.example.org/inbox"))
        let profile = DeliveryFixtures.profile
        for secret in [profile.person.name, profile.person.phone, profile.person.email, referral.personRef, referral.id].compactMap({ $0 }) {
            #expect(!text.contains(secret), "the notice carries nothing of the referral")
        }
        #expect(!text.lowercased().contains("housing"), "nor the need")
        let sent = try await rig.store.audit.records(after: 0, limit: 10_000).map(\.event).filter { $0.entity == "notice" }
        #expect(sent.count == 1)
        await rig.close()
    }

    @Test func aMailServerThatIsDownDelaysTheNoticeNotTheReferral() async throws {
        let rig = try await Self.rig()
        // A port nobody listens on: the first recorder's, once it has stopped.
        let gone = try await SMTPRecorder.start()
        let url = gone.url
        gone.stop()
        let referral = try #require(try await rig.refer(to: "ORG-42").first)
        #expect(try await rig.store.referral(id: referral.id, context: AuditContext(actor: "test")).status == .requested)
        #expect(try await Self.worker(rig, url: url).runOnce() == 0)
        // Waiting for its retry, not lost: it is not due again at once.
        #expect(try await rig.store.claimNotices(owner: "other", now: Date(), lease: 60, limit: 10).isEmpty)
        #expect(try await rig.store.claimNotices(owner: "other", now: Date().addingTimeInterval(120), lease: 60, limit: 10).count == 1)
        await rig.close()
    }
}
