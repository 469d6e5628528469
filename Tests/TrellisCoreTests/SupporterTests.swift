import Foundation
import Testing
import TrellisCore

/// The support network in a needs profile: decoded as strictly as the rest of the profile, every
/// refusal naming its field; and the rule that suggests a peer specialist.
@Suite struct SupporterTests {
    static func decode(_ supporters: String) throws -> NeedsProfile {
        let json = #"{"person": {"ref": "P-1"}, "needs": [{"domain": "housing"}], "supporters": "# + supporters + "}"
        return try JSONDecoder().decode(NeedsProfile.self, from: Data(json.utf8))
    }

    static let refused: [(json: String, field: String, reason: String)] = [
        (#"[{"name": "Ann", "relation": "aunt", "consent_to_updates": false}]"#, "supporters[0].relation",
         "unknown supporter relation 'aunt'; expected one of family_member, peer_mentor, faith_contact, sponsor, friend, other"),
        (#"[{"name": "  ", "relation": "friend", "consent_to_updates": false}]"#, "supporters[0].name", "a supporter's name is required"),
        (#"[{"relation": "friend", "consent_to_updates": false}]"#, "supporters[0].name", "required field is missing"),
        (#"[{"name": "Ann", "relation": "friend"}]"#, "supporters[0].consent_to_updates", "required field is missing"),
        (#"[{"name": "Ann", "relation": "friend", "consent_to_updates": true}]"#, "supporters[0].consent_to_updates",
         "a supporter copied on updates needs an e-mail address"),
        (#"[{"name": "Ann", "relation": "friend", "email": "ann at example.org", "consent_to_updates": false}]"#, "supporters[0].email",
         "an e-mail address is expected (name@example.org)"),
        (#"[{"name": "Ann", "relation": "friend", "email": "ann@example.org\r\nBcc: x@evil.example", "consent_to_updates": true}]"#,
         "supporters[0].email", "an e-mail address is expected (name@example.org)"),
        (#"[{"name": "Ann", "relation": "friend", "consent_to_updates": false, "diagnosis": "x"}]"#, "supporters[0].diagnosis", "unknown field"),
        (#"[{"name": "Ann", "relation": "friend", "consent_to_updates": null}]"#, "supporters[0].consent_to_updates",
         "expected true or false, found null"),
        ("null", "supporters", "expected a list, found null"),
        ("{}", "supporters", "expected a list"),
        ("[" + Array(repeating: #"{"name": "A", "relation": "friend", "consent_to_updates": false}"#, count: 6).joined(separator: ",") + "]",
         "supporters", "at most 5 supporters"),
    ]

    @Test(arguments: refused)
    func aBadSupporterIsRefusedNamingItsField(_ example: (json: String, field: String, reason: String)) throws {
        let error = try #require(throws: DecodingError.self) { try Self.decode(example.json) }
        #expect(error.fieldAndReason.field == example.field)
        #expect(error.fieldAndReason.reason == example.reason)
    }

    @Test func aNetworkIsReadWithEveryRelationAndItsConsent() throws {
        let relations = Supporter.Relation.allCases.map { #"{"name": "S \#($0.rawValue)", "relation": "\#($0.rawValue)", "consent_to_updates": false}"# }
        let all = try Self.decode("[" + relations.prefix(5).joined(separator: ",") + "]")
        #expect(all.supporters?.map(\.relation) == Array(Supporter.Relation.allCases.prefix(5)))
        let one = try Self.decode(#"[{"name": " Ann Lee ", "relation": "peer_mentor", "phone": "+1-402-555-0100", "email": "ann@example.org", "consent_to_updates": true}]"#)
        #expect(one.supporters == [Supporter(name: "Ann Lee", relation: .peerMentor, phone: "+1-402-555-0100", email: "ann@example.org", consentToUpdates: true)])
        #expect(try Self.decode("[]").supporters == [])
    }

    @Test func aProfileWithoutSupportersEncodesWithoutTheKeyAndOneWithThemRoundTrips() throws {
        let bare = NeedsProfile(person: .init(ref: "P-1"), needs: [.init(.housing)])
        #expect(!String(decoding: try JSONEncoder().encode(bare), as: UTF8.self).contains("supporters"))
        var full = bare
        full.supporters = [Supporter(name: "Ann", relation: .sponsor, email: "ann@example.org", consentToUpdates: true)]
        #expect(try JSONDecoder().decode(NeedsProfile.self, from: try JSONEncoder().encode(full)) == full)
        #expect(full.forMatching.supporters == nil, "matching never sees the network")
    }

    static let suggestions: [(urgency: NeedsProfile.Urgency, rejections: Int, relations: [Supporter.Relation], suggested: Bool)] = [
        (.crisis, 0, [], true),
        (.crisis, 0, [.familyMember, .sponsor], true),
        (.crisis, 0, [.familyMember, .peerMentor], false),
        (.urgent, 1, [], false),
        (.urgent, 2, [], true),
        (.routine, 3, [.faithContact], true),
        (.routine, 2, [.peerMentor], false),
        (.soon, 0, [], false),
    ]

    @Test(arguments: suggestions)
    func aCrisisOrASecondRejectionSuggestsAPeerSpecialistUnlessTheNetworkHasAPeerMentor(
        _ example: (urgency: NeedsProfile.Urgency, rejections: Int, relations: [Supporter.Relation], suggested: Bool)) {
        let profile = NeedsProfile(person: .init(ref: "P-1"), needs: [.init(.housing, urgency: .routine), .init(.clinical, urgency: example.urgency)],
                                   supporters: example.relations.map { Supporter(name: "S", relation: $0) })
        #expect(profile.suggestsPeerSpecialist(rejections: example.rejections) == example.suggested)
    }

    @Test func aSupporterNoticeSaysWhatHappenedAndWhoToAskNothingMore() {
        let at = Date(timeIntervalSince1970: 1_796_785_200)  // 2026-12-09T03:00:00Z: Tue 8 Dec in Chicago, Wed 9 Dec in UTC
        let notice = SupporterNotice(supporterName: "Ann", personFirstName: "Sam", status: .accepted, at: at,
                                     caseWorkerOrganization: "Douglas County Behavioral Health", timeZone: "America/Chicago")
        #expect(notice.body.contains("An update on the referral Sam's case worker made: it was accepted on Tue 8 Dec."))
        #expect(notice.body.contains("Sam's case worker can tell you more: Douglas County Behavioral Health."))
        #expect(notice.subject == "An update from Douglas County Behavioral Health for Ann")
        let anonymous = SupporterNotice(supporterName: "Ann\r\nBcc: x", personFirstName: nil, status: .rejected, at: at,
                                        caseWorkerOrganization: "County", timeZone: "UTC")
        #expect(anonymous.body.contains("An update on the referral their case worker made: it was not taken up on Wed 9 Dec."))
        #expect(!anonymous.subject.contains("\n"), "a name cannot start a mail header")
        #expect(!SupporterNotice.tellsOf(.draft) && !SupporterNotice.tellsOf(.enteredInError) && SupporterNotice.tellsOf(.completed))
    }
}
