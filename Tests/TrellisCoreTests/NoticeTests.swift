import Foundation
import PropertyBased
import Testing
@testable import TrellisCore

@Suite struct NoticeTests {
    static let site = URL(string: "https://trellis.example.org")!

    struct Case: Sendable, CustomTestStringConvertible {
        var kind: Notice.Kind
        var subject: String
        var firstLine: String
        var testDescription: String { kind.rawValue }
    }

    @Test(arguments: [
        Case(kind: .waiting, subject: "A referral is waiting for Harbor House in Trellis",
             firstLine: "A referral is waiting for Harbor House in Trellis: https://trellis.example.org/inbox"),
        Case(kind: .overdue, subject: "A referral for Harbor House is past its response deadline in Trellis",
             firstLine: "A referral for Harbor House is past its response deadline in Trellis: https://trellis.example.org/inbox"),
        Case(kind: .dailyReminder, subject: "Referrals are still waiting for Harbor House in Trellis",
             firstLine: "Referrals are still waiting for Harbor House in Trellis: https://trellis.example.org/inbox"),
        Case(kind: .test, subject: "Test notice from Trellis for Harbor House",
             firstLine: "This is a test notice from Trellis for Harbor House. Notices will reach this address. The inbox: https://trellis.example.org/inbox"),
    ])
    func eachKindSaysWhatWaitsAndWhere(_ c: Case) {
        let notice = Notice(kind: c.kind, organizationName: "Harbor House", site: Self.site)
        #expect(notice.subject == c.subject)
        #expect(notice.body.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) == c.firstLine)
        #expect(notice.body.hasSuffix("\n"))
    }

    @Test(arguments: ["https://trellis.example.org", "https://trellis.example.org/", "https://example.org/trellis/"])
    func theLinkGoesToTheInbox(site: String) throws {
        let notice = Notice(kind: .waiting, organizationName: "Harbor House", site: try #require(URL(string: site)))
        #expect(notice.inboxLink.path.hasSuffix("/inbox"))
        #expect(!notice.inboxLink.path.contains("//"))
    }

    /// A directory's organization name with a line break must not start a mail header of its own.
    @Test func theOrganizationNameStaysOnOneLine() {
        let notice = Notice(kind: .waiting, organizationName: "Harbor\r\nBcc: everyone@example.org\u{7}  House\t", site: Self.site)
        #expect(notice.organizationName == "Harbor Bcc: everyone@example.org House")
        #expect(!notice.subject.contains("\n") && !notice.subject.contains("\r"))
    }

    @Test func aMissingDisplayNameFallsBackToTheOrganizationID() {
        var rng = SplitMix64(seed: 7)
        let referral = Self.referral(note: nil, rng: &rng)
        let notice = Notice.about(referral, kind: .waiting, organizationName: { _ in "  " }, site: Self.site)
        #expect(notice.organizationName == referral.organizationID)
    }

    static let organizations = ["ORG-42": "Harbor House", "ORG-7": "St. Brigid's Pantry", "ORG-9": "Riverbend IPS Works"]

    /// Ten letters and digits no fixed text of a notice contains: any of them in a notice leaked.
    static func token(_ rng: inout SplitMix64, _ prefix: String) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
        return prefix + String((0..<10).map { _ in alphabet[rng.int(below: alphabet.count)] })
    }

    static func referral(note: String?, rng: inout SplitMix64) -> Referral {
        let statuses = ReferralStatus.allCases
        let ids = Array(organizations.keys).sorted()
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        return Referral(id: token(&rng, "ref-"), status: statuses[rng.int(below: statuses.count)], serviceID: token(&rng, "svc-"),
                        organizationID: ids[rng.int(below: ids.count)], personRef: token(&rng, "P-"), consentID: token(&rng, "con-"),
                        needDomains: NeedDomain.allCases.filter { _ in rng.int(below: 2) == 0 }, createdAt: now, createdBy: token(&rng, "cw-"),
                        requestedAt: now, respondBy: now.addingTimeInterval(172_800), updatedAt: now, note: note)
    }

    /// Whatever a referral holds (its id, the person's reference, a note with a name, phone, e-mail and
    /// needs, its need domains), none of it reaches the notice's subject or body.
    @Test func noPersonalDataReachesANotice() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0..<Notice.Kind.allCases.count)) { seed, kindIndex in
            var rng = SplitMix64(seed: UInt64(seed))
            let name = Self.token(&rng, "Name"), phone = "+1-402-555-\(1000 + rng.int(below: 9000))", email = Self.token(&rng, "m") + "@example.org"
            let need = Self.token(&rng, "need")
            let note = "Call \(name) at \(phone) or \(email); \(need); PTSD, sees Dr. Okafor"
            let referral = Self.referral(note: rng.int(below: 4) == 0 ? nil : note, rng: &rng)
            let kind = Notice.Kind.allCases[kindIndex]
            let notice = Notice.about(referral, kind: kind, organizationName: { Self.organizations[$0] }, site: Self.site)
            let text = (notice.subject + "\n" + notice.body + "\n" + notice.inboxLink.absoluteString).lowercased()
            var personal = [referral.id, referral.personRef, referral.consentID, referral.serviceID, referral.createdBy, name, phone, email, need,
                            "PTSD", "Okafor"]
            for domain in NeedDomain.allCases { personal += [domain.rawValue, domain.title] }
            for value in personal { #expect(!text.contains(value.lowercased()), "\(value) reached a \(kind.rawValue) notice") }
            #expect(notice.organizationName == Self.organizations[referral.organizationID])
        }
    }
}
