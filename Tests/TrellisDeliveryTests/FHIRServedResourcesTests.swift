import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisTestSupport

/// The FHIR pull serves the push's own resources: for every consent, the served Task, ServiceRequest,
/// Patient and Consent carry exactly what the transaction Bundle carries, differing only in how they
/// are addressed (ids, `Type/id` references), their `meta` and the Task's current state.
@Suite struct FHIRServedResourcesTests {
    static let categorySets: [Set<Consent.Category>] = [[], Set(Consent.Category.allCases)] + Consent.Category.allCases.map { [$0] }
        + Consent.Category.allCases.map { Set(Consent.Category.allCases).subtracting([$0]) }

    /// `resource` without what addressing and state change, its references reduced to the resource type.
    static func content(_ resource: [String: Any]) throws -> String {
        var resource = resource
        for key in ["id", "lastModified", "statusReason", "status"] { resource[key] = nil }
        if var meta = resource["meta"] as? [String: Any] {
            for key in ["profile", "versionId", "lastUpdated"] { meta[key] = nil }
            resource["meta"] = meta.isEmpty ? nil : meta
        }
        var text = String(decoding: try JSONSerialization.data(withJSONObject: resource, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        for type in ["Task", "ServiceRequest", "Patient", "Consent"] {
            text = text.replacingOccurrences(of: "\"\(type)/[A-Za-z0-9.-]+\"", with: "\"ref\"", options: .regularExpression)
        }
        return text.replacingOccurrences(of: "\"urn:uuid:[0-9a-f-]{36}\"", with: "\"ref\"", options: .regularExpression)
    }

    @Test(arguments: categorySets)
    func theServedResourcesDiscloseExactlyWhatThePushDoes(_ categories: Set<Consent.Category>) throws {
        let disclosure = try #require(DeliveryFixtures.disclosure(categories))
        let pushed = FHIRReferralBundle.resources(disclosure, addressing: .transaction)
        var referral = DeliveryFixtures.referral
        referral.status = .onHold
        referral.version = 3
        referral.history = [ReferralStatusChange(at: DeliveryFixtures.now, actor: "partner:harbor-house", party: .agency, from: .accepted,
                                                 to: .onHold, reason: "waiting for a bed", source: .callback)]
        let served = FHIRReferralBundle.served(disclosure, state: .init(referral))
        for (push, pull) in [(pushed.task, served.task), (pushed.serviceRequest, served.serviceRequest), (pushed.patient, served.patient),
                             (pushed.consent, served.consent)] {
            #expect(try Self.content(push) == Self.content(pull), "\(categories)")
        }
        #expect(served.part2 == categories.contains(.substanceUse))
        #expect(served.task["id"] as? String == referral.id)
        #expect(served.serviceRequest["id"] as? String == referral.id)
        #expect(served.task["status"] as? String == "on-hold")
        #expect((served.task["statusReason"] as? [String: Any])?["text"] as? String == "waiting for a bed")
        #expect((served.task["meta"] as? [String: Any])?["versionId"] as? String == "3")
        #expect((served.task["focus"] as? [String: Any])?["reference"] as? String == "ServiceRequest/\(referral.id)")
        #expect(pushed.task["status"] as? String == "requested", "the push always asks")
    }

    @Test(arguments: [(ReferralStatus.requested, "active"), (.accepted, "active"), (.cancelled, "revoked"), (.completed, "completed"),
                      (.enteredInError, "entered-in-error"), (.rejected, "active")])
    func theServiceRequestsStatusFollowsTheReferral(_ status: ReferralStatus, _ expected: String) throws {
        var referral = DeliveryFixtures.referral
        referral.status = status
        let served = FHIRReferralBundle.served(try #require(DeliveryFixtures.disclosure([.needs])), state: .init(referral))
        #expect(served.serviceRequest["status"] as? String == expected)
    }
}
