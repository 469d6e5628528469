import Foundation
import Logging
import Testing
import TrellisCore
import TrellisDelivery
import TrellisStore
import TrellisTestSupport

/// A supporter copied on a status change, through the notice worker to a real SMTP server on
/// 127.0.0.1: the mail reaches the supporter's address and says what happened and whom to ask,
/// never the agency, the need or anything else of the person. And no payload to an agency carries
/// the support network, whatever the consent.
@Suite struct SupporterNoticeTests {
    static let supporter = Supporter(name: "Ruth Abernathy", relation: .faithContact, phone: "+1-402-555-0177",
                                     email: "ruth.abernathy@example.org", consentToUpdates: true)

    @Test func aSupporterIsToldOfAStatusChangeInPrivacyMindedWords() async throws {
        let rig = try await DeliveryRig.make()
        let recorder = try await SMTPRecorder.start()
        defer { recorder.stop() }
        var profile = DeliveryFixtures.profile
        profile.supporters = [Self.supporter, Supporter(name: "Not Copied", relation: .friend, email: "not.copied@example.org")]
        let consent = Consent(recipient: "ORG-42", categories: [.contact, .needs], method: .verbal, capturedBy: "cw-7", capturedAt: Date().addingTimeInterval(-60))
        let referral = try await rig.store.createReferral(NewReferral(profile: profile, serviceID: "svc-ORG-42", consent: consent),
                                                          context: AuditContext(actor: "cw-7", purpose: "treatment"))
        _ = try await rig.store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency),
                                             context: AuditContext(actor: "partner:rig", purpose: "coordination"))
        let settings = try MailSettings(url: URL(string: recorder.url)!, from: MailAddress("trellis@county.example.org")!, connectTimeout: .seconds(2),
                                        totalTimeout: .seconds(5), site: URL(string: "https://trellis.county.example.org")!)
        var logger = Logger(label: "trellis.tests.supporters")
        logger.logLevel = .critical
        let worker = NoticeWorker(store: rig.store, sender: MailSender(settings: settings), logger: logger, now: { Date().addingTimeInterval(1) })
        #expect(try await worker.runOnce() == 1)
        let message = try #require(try recorder.records().only)
        #expect(message.rcptTos == ["ruth.abernathy@example.org"])
        let body = try #require(message.body)
        let first = try #require(profile.person.name?.split(separator: " ").first.map(String.init))
        #expect(body.contains("Hello Ruth Abernathy,"))
        #expect(body.contains("An update on the referral \(first)'s case worker made: it was accepted on "))
        for secret in ["Agency ORG-42", "ORG-42", "Shelter", "housing", "shelter", "clinical", "counseling", referral.id, referral.personRef,
                       profile.person.phone ?? "-", profile.person.email ?? "-", "not.copied@example.org"] {
            #expect(!message.raw.contains(secret), "the supporter's e-mail says nothing more")
        }
        let sent = try await rig.store.audit.records(after: 0, limit: 10_000).map(\.event).filter { $0.entity == "notice" }
        await rig.close()
        #expect(sent.map(\.detail) == ["supporter_update about \(referral.id) sent as \(try #require(message.header("Message-ID").first).trimmingCharacters(in: CharacterSet(charactersIn: "<>")))"])
    }

    @Test(arguments: [false, true])
    func noPayloadToAnAgencyCarriesTheSupportNetwork(_ fhir: Bool) throws {
        var profile = DeliveryFixtures.profile
        profile.supporters = [Self.supporter]
        let now = Date()
        let referral = Referral(id: "ref-1", status: .requested, serviceID: "svc-ORG-42", organizationID: "ORG-42", personRef: "P-1", consentID: "con-1",
                                needDomains: [.housing], createdAt: now, createdBy: "cw-7", requestedAt: now, updatedAt: now)
        let consent = Consent(recipient: "ORG-42", categories: Set(Consent.Category.allCases), method: .written, capturedBy: "cw-7", capturedAt: now.addingTimeInterval(-60))
        let service = Service(id: "svc-ORG-42", name: "Shelter", organizationID: "ORG-42", organizationName: "Agency", categories: [NeedCategory(.housing, "emergency_shelter")],
                              languages: ["en"], provenance: Provenance(format: .hsds, source: "t", file: "t.json", recordKey: "x", line: 1))
        let partner = DeliveryRig.partner("p", endpoint: "https://p.example.org/referrals")
        let disclosure = try #require(ReferralDisclosure(referral: referral, consentID: "con-1", consent: consent, profile: profile, note: "note",
                                                         service: service, partner: partner, now: now))
        let body = String(decoding: fhir ? try FHIRReferralBundle.render(disclosure) : try ReferralDocument.render(disclosure), as: UTF8.self)
        #expect(body.contains(profile.person.name ?? "-"), "every category went")
        for secret in ["Ruth", "Abernathy", "555-0177", "ruth.abernathy@example.org", "faith_contact", "supporter"] { #expect(!body.contains(secret)) }
    }
}

extension Array {
    var only: Element? { count == 1 ? first : nil }
}
