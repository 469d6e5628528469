public import TrellisCore

/// A referral's outcome and contact attempts as a FHIR Task carries them, read and written in one
/// place: `Task.statusReason` and `Task.output` (type `outcome`) coded in Trellis's outcome code system,
/// and `Task.businessStatus` in its business-status code system.
public enum FHIRTaskOutcome {
    public static let outcomeSystem = "urn:trellis:referral-outcome"
    public static let businessStatusSystem = "urn:trellis:referral-business-status"
    public static let outputTypeSystem = "urn:trellis:task-output"
    public static let outputTypeCode = "outcome"

    /// What a partner's Task says beyond its status.
    public struct Read: Hashable, Sendable {
        public var outcome: ReferralOutcome?
        public var businessStatus: ReferralBusinessStatus?
    }

    /// Reads the outcome from `Task.output` (type `outcome`: valueCodeableConcept or valueString) or
    /// `Task.statusReason`'s Trellis coding, and a contact attempt from `Task.businessStatus`. A code of
    /// Trellis's systems that is not on the list is refused by name.
    public static func read(_ task: [String: Any]) throws(PartnerAnswerError) -> Read {
        let statusReason = task["statusReason"] as? [String: Any]
        var code = try trellisCode(statusReason, system: outcomeSystem, field: "Task.statusReason")
        var text = statusReason?["text"] as? String
        if let outputs = task["output"] {
            guard let list = outputs as? [[String: Any]] else { throw .malformed("Task.output must be a list") }
            for output in list where isOutcomeOutput(output) {
                if let concept = output["valueCodeableConcept"] as? [String: Any] {
                    code = try trellisCode(concept, system: outcomeSystem, field: "Task.output.valueCodeableConcept") ?? code
                    text = (concept["text"] as? String) ?? text
                }
                if let value = output["valueString"] as? String { text = value }
            }
        }
        var read = Read()
        if let code {
            guard let known = AgencyAnswerReason(rawValue: code) else { throw .malformed(ReferralOutcomeError.unknownCode(code).description) }
            read.outcome = ReferralOutcome(code: known, text: text)
        }
        if let business = task["businessStatus"] {
            guard let concept = business as? [String: Any] else { throw .malformed("Task.businessStatus must be a CodeableConcept") }
            if let raw = try trellisCode(concept, system: businessStatusSystem, field: "Task.businessStatus") {
                guard let known = ReferralBusinessStatus(rawValue: raw) else {
                    throw .malformed("Task.businessStatus: unknown business status '\(raw.prefix(40))'; expected one of \(ReferralBusinessStatus.words.joined(separator: ", "))")
                }
                read.businessStatus = known
            }
        }
        return read
    }

    static func isOutcomeOutput(_ output: [String: Any]) -> Bool {
        let codings = (output["type"] as? [String: Any])?["coding"] as? [[String: Any]] ?? []
        return codings.contains { $0["system"] as? String == outputTypeSystem && $0["code"] as? String == outputTypeCode }
    }

    /// The code of `concept`'s coding in `system`, when it has one.
    static func trellisCode(_ concept: [String: Any]?, system: String, field: String) throws(PartnerAnswerError) -> String? {
        guard let concept, let codings = concept["coding"] else { return nil }
        guard let list = codings as? [[String: Any]] else { throw .malformed("\(field).coding must be a list") }
        guard let coding = list.first(where: { $0["system"] as? String == system }) else { return nil }
        guard let code = coding["code"] as? String, !code.isEmpty else { throw .malformed("\(field).coding: a code is required for \(system)") }
        return code
    }

    /// `Task.statusReason`: the outcome's coding with the recorded reason as text; the reason alone without one.
    static func statusReason(outcome: ReferralOutcome?, reason: String?) -> [String: Any]? {
        var concept: [String: Any] = [:]
        if let outcome { concept["coding"] = [coding(outcome.code)] }
        if let text = reason?.nonBlank ?? outcome?.summary { concept["text"] = text }
        return concept.isEmpty ? nil : concept
    }

    /// `Task.output`: one entry of type `outcome`.
    static func output(_ outcome: ReferralOutcome) -> [[String: Any]] {
        var value: [String: Any] = ["coding": [coding(outcome.code)]]
        if let text = outcome.text { value["text"] = text }
        return [[
            "type": ["coding": [["system": outputTypeSystem, "code": outputTypeCode, "display": "Outcome"]], "text": "Outcome"],
            "valueCodeableConcept": value,
        ] as [String: Any]]
    }

    static func businessStatus(_ status: ReferralBusinessStatus, attempts: Int?) -> [String: Any] {
        ["coding": [["system": businessStatusSystem, "code": status.rawValue, "display": status.title]],
         "text": attempts.map { "\(status.title) (\($0) \($0 == 1 ? "time" : "times"))" } ?? status.title]
    }

    static func coding(_ code: AgencyAnswerReason) -> [String: Any] {
        ["system": outcomeSystem, "code": code.rawValue, "display": code.title]
    }
}
