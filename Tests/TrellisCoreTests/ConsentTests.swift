import Foundation
import Testing
@testable import TrellisCore

@Suite struct ConsentTests {
    static let contractExample = """
    {"recipient": "ORG-42", "categories": ["contact", "demographics", "needs"],
     "method": "verbal", "captured_by": "cw-7", "captured_at": "2026-11-20T15:04:00Z",
     "expires_at": "2027-11-20T00:00:00Z"}
    """

    static func decode(_ json: String) throws -> Consent {
        try JSONDecoder().decode(Consent.self, from: Data(json.utf8))
    }


    @Test func theContractExampleDecodes() throws {
        let consent = try Self.decode(Self.contractExample)
        #expect(consent.recipient == "ORG-42")
        #expect(consent.categories == [.contact, .demographics, .needs])
        #expect(consent.method == .verbal && consent.capturedBy == "cw-7")
        #expect(consent.capturedAt == (try Date.ISO8601FormatStyle().parse("2026-11-20T15:04:00Z")))
    }

    @Test(arguments: Consent.Category.allCases)
    func onlyConsentedCategoriesGoAndOnlyToTheRecipient(category: Consent.Category) throws {
        var consent = try Self.decode(Self.contractExample)
        let now = try Date.ISO8601FormatStyle().parse("2026-12-01T00:00:00Z")
        let consented = consent.categories.contains(category)
        #expect(consent.allows(category, to: "ORG-42", at: now) == consented)
        #expect(!consent.allows(category, to: "ORG-99", at: now), "never to another organization")
        consent.categories = Set(Consent.Category.allCases)
        #expect(consent.allows(category, to: "ORG-42", at: now))
        #expect(!consent.allows(category, to: "ORG-99", at: now))
    }

    @Test func substanceUseGoesOnlyUnderAConsentNamingThatRecipient() throws {
        var consent = try Self.decode(Self.contractExample)
        let now = try Date.ISO8601FormatStyle().parse("2026-12-01T00:00:00Z")
        #expect(!consent.allows(.substanceUse, to: "ORG-42", at: now))
        consent.categories.insert(.substanceUse)
        #expect(consent.allows(.substanceUse, to: "ORG-42", at: now))
        #expect(consent.allowedCategories(for: "ORG-42", at: now) == [.contact, .demographics, .needs, .substanceUse])
        #expect(consent.allowedCategories(for: "ORG-7", at: now).isEmpty)
    }

    @Test func nothingGoesBeforeCaptureAfterExpiryOrAfterRevocation() throws {
        var consent = try Self.decode(Self.contractExample)
        let style = Date.ISO8601FormatStyle()
        #expect(!consent.isInForce(at: try style.parse("2026-11-19T00:00:00Z")))
        #expect(consent.isInForce(at: try style.parse("2026-12-01T00:00:00Z")))
        #expect(!consent.isInForce(at: try style.parse("2027-11-21T00:00:00Z")))
        consent.revokedAt = try style.parse("2026-12-15T00:00:00Z")
        #expect(consent.isInForce(at: try style.parse("2026-12-14T23:59:59Z")))
        #expect(!consent.allows(.needs, to: "ORG-42", at: try style.parse("2026-12-15T00:00:01Z")))
    }

    @Test(arguments: [
        (#""method": "verbal""#, #""method": "telepathy""#, "method"),
        (#""categories": ["contact", "demographics", "needs"]"#, #""categories": []"#, "categories"),
        (#""categories": ["contact", "demographics", "needs"]"#, #""categories": ["contact", "gossip"]"#, "categories[1]"),
        (#""captured_at": "2026-11-20T15:04:00Z""#, #""captured_at": "yesterday""#, "captured_at"),
        (#""expires_at": "2027-11-20T00:00:00Z""#, #""expires_at": "2025-01-01T00:00:00Z""#, "expires_at"),
        (#""recipient": "ORG-42""#, #""recipient": "ORG-42", "recipeint": "x""#, "recipeint"),
    ])
    func badConsentsNameTheField(original: String, replacement: String, field: String) {
        let json = Self.contractExample.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try Self.decode(json)
            Issue.record("expected an error naming \(field)")
        } catch let error as DecodingError {
            #expect(error.fieldAndReason.field == field, "\(error.fieldAndReason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func encodingRoundTrips() throws {
        let consent = try Self.decode(Self.contractExample)
        let again = try JSONDecoder().decode(Consent.self, from: JSONEncoder().encode(consent))
        #expect(again == consent)
    }
}
