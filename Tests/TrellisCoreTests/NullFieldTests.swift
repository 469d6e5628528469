import Foundation
import Testing
import TrellisCore

/// A field with a default but no null in its schema: absent means the default, null is refused by
/// name (schemathesis's negative data found `"peer_run_preferred": null` read as absent).
@Suite struct NullFieldTests {
    static let fields: [(path: [String], name: String, reason: String)] = [
        (["person", "interpreter_needed"], "person.interpreter_needed", "expected true or false, found null"),
        (["circumstances", "chronically_homeless"], "circumstances.chronically_homeless", "expected true or false, found null"),
        (["circumstances", "active_substance_use"], "circumstances.active_substance_use", "expected true or false, found null"),
        (["circumstances", "justice_involved"], "circumstances.justice_involved", "expected true or false, found null"),
        (["circumstances", "serious_mental_illness"], "circumstances.serious_mental_illness", "expected true or false, found null"),
        (["circumstances", "disability"], "circumstances.disability", "expected true or false, found null"),
        (["preferences", "telehealth_ok"], "preferences.telehealth_ok", "expected true or false, found null"),
        (["preferences", "peer_run_preferred"], "preferences.peer_run_preferred", "expected true or false, found null"),
        (["preferences", "faith_based"], "preferences.faith_based", "expected one of not_offered, opt_in, found null"),
        (["preferences"], "preferences", "expected an object, found null"),
        (["person", "name"], "person.name", "expected text, found null"),
        (["person", "age"], "person.age", "expected a whole number, found null"),
        (["person", "languages"], "person.languages", "expected a list, found null"),
        (["person", "insurance"], "person.insurance", "expected a list, found null"),
        (["person", "location"], "person.location", "expected an object, found null"),
        (["needs", "urgency"], "needs[0].urgency", "expected one of routine, soon, urgent, crisis, found null"),
        (["circumstances"], "circumstances", "expected an object, found null"),
    ]

    static func profile(setting path: [String]?) throws -> Data {
        var document: [String: Any] = [
            "person": ["ref": "P-1", "age": 30, "languages": ["en"]],
            "needs": [["domain": "housing"]],
            "circumstances": [String: Any](),
            "preferences": [String: Any](),
        ]
        if let path, path.count == 1 {
            document[path[0]] = NSNull()
        } else if let path, path[0] == "needs" {
            document["needs"] = [["domain": "housing", path[1]: NSNull()]]
        } else if let path {
            var section = document[path[0]] as? [String: Any] ?? [:]
            section[path[1]] = NSNull()
            document[path[0]] = section
        }
        return try JSONSerialization.data(withJSONObject: document)
    }

    @Test(arguments: fields.indices)
    func nullIsRefusedByName(index: Int) throws {
        let field = Self.fields[index]
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode(NeedsProfile.self, from: Self.profile(setting: field.path))
        }
        #expect(error.fieldAndReason.field == field.name)
        #expect(error.fieldAndReason.reason == field.reason)
    }

    @Test func absentFieldsTakeTheirDefaults() throws {
        let profile = try JSONDecoder().decode(NeedsProfile.self, from: Self.profile(setting: nil))
        #expect(profile.preferences.peerRunPreferred == false)
        #expect(profile.preferences.telehealthOK == false)
        #expect(profile.preferences.faithBased == .notOffered)
        #expect(profile.circumstances.chronicallyHomeless == false)
    }

    /// `person.state` is two letters, as the schema's pattern says (schemathesis sent others).
    @Test(arguments: ["", "N", "NEB", "N1", "É1", "ne ", "  "])
    func aStateIsTwoLetters(_ state: String) throws {
        var document = try #require(try JSONSerialization.jsonObject(with: Self.profile(setting: nil)) as? [String: Any])
        document["person"] = ["ref": "P-1", "age": 30, "languages": ["en"], "state": state]
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode(NeedsProfile.self, from: JSONSerialization.data(withJSONObject: document))
        }
        #expect(error.fieldAndReason.field == "person.state")
        #expect(error.fieldAndReason.reason == "a two-letter state code is expected (e.g. \"NE\")")
    }

    @Test(arguments: ["NE", "ia", "Ca"])
    func aTwoLetterStateIsRead(_ state: String) throws {
        var document = try #require(try JSONSerialization.jsonObject(with: Self.profile(setting: nil)) as? [String: Any])
        document["person"] = ["ref": "P-1", "age": 30, "languages": ["en"], "state": state]
        let profile = try JSONDecoder().decode(NeedsProfile.self, from: JSONSerialization.data(withJSONObject: document))
        #expect(profile.person.state?.uppercased() == state.uppercased())
    }

    /// A postal code is a ZIP code, as the schema's pattern says (schemathesis sent an empty one).
    @Test(arguments: [("", false), ("6810", false), ("68102", true), (" 68102 ", true), ("68102-1234", true), ("68102-12", false),
                      ("681O2", false), ("68102-", false), ("K1A 0B1", false)])
    func aPostalCodeIsAZIPCode(_ code: String, _ accepted: Bool) throws {
        var document = try #require(try JSONSerialization.jsonObject(with: Self.profile(setting: nil)) as? [String: Any])
        document["person"] = ["ref": "P-1", "age": 30, "languages": ["en"], "location": ["postal_code": code]]
        let data = try JSONSerialization.data(withJSONObject: document)
        if accepted {
            let profile = try JSONDecoder().decode(NeedsProfile.self, from: data)
            #expect(profile.person.location == .postalCode(code.trimmingCharacters(in: .whitespaces)))
        } else {
            let error = try #require(throws: DecodingError.self) { try JSONDecoder().decode(NeedsProfile.self, from: data) }
            #expect(error.fieldAndReason.field == "person.location.postal_code")
        }
    }
}

