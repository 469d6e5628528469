public import Foundation
public import TrellisCore

extension FHIRReferralBundle {
    /// Gravity SDOH Clinical Care's profiles the served Task and ServiceRequest claim. Checked against
    /// the IG's FSH: the Task's intent `order`, code `fulfill`, focus, for, authoredOn, requester (a
    /// PractitionerRole or Organization) and a referral Task status (never `ready` or `received`); the
    /// ServiceRequest's US Core procedure code (SNOMED CT 3457005), SDOH categories from the IG's code
    /// system, subject, and no specimen or bodySite.
    public static let taskProfile = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
    public static let serviceRequestProfile = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-ServiceRequest"

    /// What a referral's Task says now: the push sends `requested`, the pull shows where the loop stands.
    public struct TaskState: Hashable, Sendable {
        public var status: ReferralStatus
        /// Why it is in this status, when the move that put it there gave a reason.
        public var reason: String?
        public var lastUpdated: Date
        public var version: Int
        /// How it ended or why it was turned down, when the agency said.
        public var outcome: ReferralOutcome?
        /// The agency's contact attempts, while the referral is in progress.
        public var contactAttempts: Int?

        /// The referral's state; the reason comes from its history, when it was read in full.
        public init(_ referral: Referral) {
            status = referral.status
            reason = referral.history?.last(where: { $0.to == referral.status && $0.from != $0.to })?.reason
            outcome = referral.outcome
            contactAttempts = referral.status == .inProgress ? referral.contactAttempts : nil
            lastUpdated = referral.updatedAt
            version = referral.version
        }
    }

    /// The resources as the FHIR pull serves them: built from the same disclosure as the push (so the
    /// consent and Part 2 rules hold identically), with server ids, the referral's current status and
    /// the profiles they conform to.
    public static func served(_ d: ReferralDisclosure, state: TaskState) -> Resources {
        var r = resources(d, addressing: .served)
        let updated = timestamp(state.lastUpdated)
        r.task["id"] = servedID("Task", referralID: d.referralID)
        r.task["meta"] = ["profile": [taskProfile], "versionId": "\(state.version)", "lastUpdated": updated] as [String: Any]
        r.task["status"] = state.status.rawValue
        r.task["lastModified"] = updated
        // The IG asks for statusReason.text with a rejected, cancelled, on-hold or failed Task.
        // With an outcome, statusReason is coded too and Task.output carries it.
        if let reason = FHIRTaskOutcome.statusReason(outcome: state.outcome, reason: state.reason) { r.task["statusReason"] = reason }
        if let outcome = state.outcome { r.task["output"] = FHIRTaskOutcome.output(outcome) }
        if let attempts = state.contactAttempts {
            r.task["businessStatus"] = FHIRTaskOutcome.businessStatus(.contactAttempted, attempts: attempts)
        }

        r.serviceRequest["id"] = servedID("ServiceRequest", referralID: d.referralID)
        var meta = r.serviceRequest["meta"] as? [String: Any] ?? [:]
        meta["profile"] = [serviceRequestProfile]
        meta["versionId"] = "\(state.version)"
        meta["lastUpdated"] = updated
        r.serviceRequest["meta"] = meta
        r.serviceRequest["status"] = serviceRequestStatus(state.status)

        r.patient["id"] = servedID("Patient", referralID: d.referralID)
        r.consent["id"] = servedID("Consent", referralID: d.referralID)
        return r
    }

    /// The request's status follows the referral: withdrawn when cancelled, done when completed.
    static func serviceRequestStatus(_ status: ReferralStatus) -> String {
        switch status {
        case .cancelled: "revoked"
        case .completed: "completed"
        case .enteredInError: "entered-in-error"
        case .draft: "draft"
        default: "active"
        }
    }

    /// The 42 CFR Part 2 security labels, for a Bundle that carries such a ServiceRequest.
    public static var part2SecurityLabels: [[String: Any]] { part2Labels }

    /// `resource` as JSON, keys sorted (as the push renders its Bundle).
    public static func json(_ resource: [String: Any]) throws -> Data {
        try PayloadJSON.data(resource)
    }
}
