import Foundation
import Testing
import TrellisCore
import TrellisMatching
@testable import TrellisServer

/// How to reach a service from a match: phones as tel: links, the address with its county cased,
/// hours, how to apply and the warm-handoff sentence; and the reasons in words.
@Suite struct ServiceContactTests {
    @Test(arguments: [
        ("402-555-0100", "402-555-0100", "tel:+14025550100"),
        ("(402) 555 0100", "402-555-0100", "tel:+14025550100"),
        ("1-800-455-3226", "800-455-3226", "tel:+18004553226"),
        ("800-455-3226 ext. Extension6", "800-455-3226 ext. 6", "tel:+18004553226;ext=6"),
        ("\"+44 1234 234567\"", "+44 1234 234567", "tel:+441234234567"),
        ("211", "211", "tel:211"),
        ("988", "988", "tel:988"),
    ])
    func phonesBecomeDialableLinks(raw: String, text: String, link: String) throws {
        let phone = try #require(ServiceContact.phone(raw))
        #expect(phone.text == text)
        #expect(phone.link == link)
    }

    @Test(arguments: ["", "none", "call us", "1234567890123456789"])
    func textWithoutAPhoneNumberIsNoLink(raw: String) {
        #expect(ServiceContact.phone(raw) == nil)
    }

    static func service(phones: [String] = ["4025550100"], url: String? = "https://harbor.example.org",
                        address: Address? = Address(line1: "1200 Farnam St", city: "Omaha", county: "DOUGLAS", state: "ne", postalCode: "68102")) -> Service {
        Service(id: "S-1", name: "Harbor House shelter", organizationID: "RB-ORG-101", organizationName: "Harbor House",
                locations: address.map { [Location(address: $0)] } ?? [], hours: "Mon-Fri 9 am-5 pm", phones: phones, url: url,
                applicationProcess: "Walk in or call the front desk; intake takes about 20 minutes.",
                provenance: Provenance(format: .airs, source: "test", file: "test.xml", recordKey: "S-1", line: 1))
    }

    @Test func aMatchSaysHowToReachAndApply() {
        let contact = ServiceContact(Self.service())
        #expect(contact.phones == [ServiceContact.Phone(text: "402-555-0100", link: "tel:+14025550100")])
        #expect(contact.address == "1200 Farnam St, Omaha, Douglas County, NE 68102")
        #expect(contact.hours == "Mon-Fri 9 am-5 pm")
        #expect(contact.apply == "Walk in or call the front desk; intake takes about 20 minutes.")
        #expect(contact.handoff == "Call 402-555-0100 and ask for intake; mention the Trellis referral.")
    }

    @Test func withoutAPhoneTheHandoffPointsToTheWebsite() {
        #expect(ServiceContact(Self.service(phones: [])).handoff == "Apply through https://harbor.example.org; mention the Trellis referral.")
        #expect(ServiceContact(Self.service(phones: [], url: "javascript:alert(1)")).handoff == nil, "only http(s) links are offered")
        #expect(ServiceContact(Self.service(address: nil)).address == nil)
    }

    @Test(arguments: [
        ("DOUGLAS", "Douglas County"), ("douglas co.", "Douglas County"), ("saint louis county", "Saint Louis County"),
    ])
    func countiesAreInTheirProperCase(raw: String, expected: String) {
        #expect(ServiceContact.address(Address(city: "Omaha", county: raw)) == "Omaha, \(expected)")
    }

    @Test func reasonsSayTheirEffectAndNoNumbers() {
        let lines = MatchReasonWording.lines([
            MatchReason(code: "language_match", text: "Offers services in Spanish", weight: 0.2),
            MatchReason(code: "distance_far", text: "12 km away, beyond the 4 km the person can travel", weight: -0.05),
            MatchReason(code: "detail_match", text: "Offers emergency shelter (housing)", weight: 0),
            MatchReason(code: "capacity_unknown", text: "Capacity not reported", weight: 0),
            MatchReason(code: "responsiveness_unknown", text: "No referral history with this agency yet", weight: 0),
        ], time: PageTimeTests.time("America/Chicago"))
        #expect(lines.map(\.text) == ["Offers services in Spanish", "12 km away, beyond the 4 km the person can travel", "Offers emergency shelter (housing)"])
        #expect(lines.map(\.effect) == ["ranks higher", "ranks lower", nil])
        #expect(lines.map(\.weight) == ["+0.20", "-0.05", nil], "the number stays for staff, in a title attribute; a fact has none")
        let verified = MatchReasonWording.lines([MatchReason(code: "recently_verified", text: "Verified 2026-10-29", weight: 0.1)],
                                                time: PageTimeTests.time("America/Chicago"))
        #expect(verified.map(\.text) == ["Verified Thu 29 Oct"])
    }
}
