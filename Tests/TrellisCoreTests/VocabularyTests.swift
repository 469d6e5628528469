import Foundation
import Testing
@testable import TrellisCore

/// An unknown word in a profile, consent, partner or status file is named, with the words that are
/// known, and the field it was in: "needs[0].domain: unknown need domain 'childcare'; expected
/// one of housing, employment, …", never Swift's "Cannot initialize NeedDomain from invalid String value".
@Suite struct VocabularyTests {
    /// Every closed set of words the files use, with the message an unknown word gets.
    static var sweep: [(type: any Vocabulary.Type, message: String)] { [
        (NeedDomain.self, "unknown need domain 'nope'; expected one of housing, employment, faith, clinical, peer_support, family_support, education, transportation, benefits"),
        (Gender.self, "unknown gender 'nope'; expected one of female, male, non_binary"),
        (AccessibilityFeature.self, "unknown accessibility need 'nope'; expected one of wheelchair, sign_language, large_print, braille, hearing_loop, service_animal"),
        (NeedsProfile.Urgency.self, "unknown urgency 'nope'; expected one of routine, soon, urgent, crisis"),
        (NeedsProfile.FaithOption.self, "unknown faith option 'nope'; expected one of not_offered, opt_in"),
        (Consent.Category.self, "unknown consent category 'nope'; expected one of contact, demographics, needs, circumstances, clinical_notes, substance_use"),
        (Consent.Method.self, "unknown consent method 'nope'; expected one of verbal, written, electronic"),
        (Partner.PayloadFormat.self, "unknown payload format 'nope'; expected one of fhir-r4, json"),
        (Partner.StatusMode.self, "unknown status mode 'nope'; expected one of callback, poll"),
        (ReferralStatus.self, "unknown referral status 'nope'; expected one of draft, requested, accepted, rejected, cancelled, in-progress, on-hold, failed, completed, entered-in-error"),
        (ReferralParty.self, "unknown party 'nope'; expected one of referrer, agency"),
        (IPSFidelity.self, "unknown IPS fidelity band 'nope'; expected one of exemplary, good, fair, not-ips"),
        (ServiceStatus.self, "unknown service status 'nope'; expected one of active, inactive, defunct, temporarily closed"),
        (AuditEvent.Outcome.self, "unknown audit outcome 'nope'; expected one of success, failure, denied"),
        (Provenance.Format.self, "unknown directory format 'nope'; expected one of airs, hsds"),
    ] }

    /// Decodes the type's first word and "nope", and all its words back from their encoding.
    static func probe<T: Vocabulary>(_ type: T.Type) -> (error: DecodingError?, roundTrips: Bool) {
        let words = T.allCases.map(\.rawValue)
        var failure: DecodingError?
        do {
            _ = try JSONDecoder().decode([T].self, from: Data(#"["\#(words[0])", "nope"]"#.utf8))
        } catch {
            failure = error as? DecodingError
        }
        let decoded = try? JSONDecoder().decode([T].self, from: JSONEncoder().encode(words))
        return (failure, decoded?.map(\.rawValue) == words)
    }

    @Test(arguments: sweep.indices)
    func anUnknownWordIsNamedWithTheKnownOnes(index: Int) throws {
        let (type, message) = Self.sweep[index]
        let probe = Self.probe(type)
        let error = try #require(probe.error)
        #expect(error.fieldAndReason.field == "[1]")
        #expect(error.fieldAndReason.reason == message)
        #expect(probe.roundTrips, "every known word still decodes")
    }

    @Test func aWordOfTheWrongKindIsStillATypeMismatch() throws {
        let error = try #require(Self.failure([NeedDomain].self, "[3]"))
        #expect(error.fieldAndReason.reason == "expected text")
    }

    static let profile = #"{"person": {"ref": "P-1"}, "needs": [%@]}"#

    @Test(arguments: [
        (#"{"domain": "childcare"}"#, "needs[0].domain", "unknown need domain 'childcare'; expected one of housing, employment, faith, clinical, peer_support, family_support, education, transportation, benefits"),
        (#"{"domain": "housing", "urgency": "asap"}"#, "needs[0].urgency", "unknown urgency 'asap'; expected one of routine, soon, urgent, crisis"),
    ])
    func aProfileNamesTheFieldAndTheWord(need: String, field: String, reason: String) throws {
        let json = Self.profile.replacingOccurrences(of: "%@", with: need)
        let error = try #require(Self.failure(NeedsProfile.self, json))
        #expect(error.fieldAndReason.field == field)
        #expect(error.fieldAndReason.reason == reason)
    }

    @Test func aProfilesGenderAndFaithOptionAreNamed() throws {
        let cases = [
            (#"{"person": {"ref": "P-1", "gender": "w"}, "needs": [{"domain": "faith"}]}"#, "person.gender", "unknown gender 'w'; expected one of female, male, non_binary"),
            (#"{"person": {"ref": "P-1"}, "needs": [{"domain": "faith"}], "preferences": {"faith_based": "yes"}}"#, "preferences.faith_based", "unknown faith option 'yes'; expected one of not_offered, opt_in"),
            (#"{"person": {"ref": "P-1"}, "needs": [{"domain": "faith"}], "preferences": {"provider_gender": "any"}}"#, "preferences.provider_gender", "unknown gender 'any'; expected one of female, male, non_binary"),
        ]
        for (json, field, reason) in cases {
            let error = try #require(Self.failure(NeedsProfile.self, json))
            #expect(error.fieldAndReason.field == field)
            #expect(error.fieldAndReason.reason == reason)
        }
    }

    @Test func aConsentNamesTheFieldAndTheWord() throws {
        let base = #"{"recipient": "ORG-1", "categories": %@, "method": %@, "captured_by": "u1", "captured_at": "2026-11-20T15:04:00Z"}"#
        let cases = [
            (#"["needs", "diet"]"#, #""verbal""#, "categories[1]", "unknown consent category 'diet'; expected one of contact, demographics, needs, circumstances, clinical_notes, substance_use"),
            (#"["needs"]"#, #""fax""#, "method", "unknown consent method 'fax'; expected one of verbal, written, electronic"),
        ]
        for (categories, method, field, reason) in cases {
            let json = base.replacingOccurrences(of: "%@", with: categories, options: [], range: base.range(of: "%@"))
                .replacingOccurrences(of: "%@", with: method)
            let error = try #require(Self.failure(Consent.self, json))
            #expect(error.fieldAndReason.field == field)
            #expect(error.fieldAndReason.reason == reason)
        }
    }

    @Test func aPartnerNamesTheFieldAndTheWord() throws {
        let cases = [
            (#"{"id": "p1", "organizations": ["ORG-1"], "endpoint": "https://example.org/r", "format": "xml"}"#, "format", "unknown payload format 'xml'; expected one of fhir-r4, json"),
            (#"{"id": "p1", "organizations": ["ORG-1"], "endpoint": "https://example.org/r", "status_mode": "push"}"#, "status_mode", "unknown status mode 'push'; expected one of callback, poll"),
        ]
        for (json, field, reason) in cases {
            let error = try #require(Self.failure(Partner.self, json))
            #expect(error.fieldAndReason.field == field)
            #expect(error.fieldAndReason.reason == reason)
        }
    }

    static func failure<T: Decodable>(_ type: T.Type, _ json: String) -> DecodingError? {
        do {
            _ = try JSONDecoder().decode(T.self, from: Data(json.utf8))
            return nil
        } catch {
            return error as? DecodingError
        }
    }
}
