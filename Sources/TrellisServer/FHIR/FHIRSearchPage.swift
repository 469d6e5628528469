import Foundation
import TrellisCore
import TrellisDelivery
import TrellisStore

/// One page of `GET /fhir/Task`: the referrals found from `_offset` on, and where the next page starts.
/// Conditions the store cannot apply (several statuses, `_lastUpdated`) and referrals withheld for
/// consent are left out as the store's rows are read, so a page may hold fewer than `_count` Tasks;
/// `_offset` counts the store's rows, and clients follow the `next` link rather than computing it.
struct FHIRSearchPage {
    /// Rows read from the store for one page at most; past it the page ends early, with a `next` link.
    static let scanLimit = 1_000

    let offset: Int
    var found: [FHIRReferralBundle.Resources] = []
    /// Where the next page starts, when there may be one.
    var next: Int?
    /// Whether every match is on this page (the first, and nothing follows): then `total` is known.
    var complete: Bool { offset == 0 && next == nil }

    init(offset: Int) { self.offset = offset }

    /// `_id`: one referral, when it is within scope and matches the other conditions.
    mutating func single(_ id: String, query: FHIRTaskSearch, pulls: PulledReferrals, store: any ReferralRepository, partner: Partner,
                         scope: ReferralScope, context: AuditContext) async throws {
        guard offset == 0, FHIRID.isValid(id) else { return }
        let referral: Referral
        do { referral = try await store.referral(id: id, scope: scope, context: context) } catch StoreError.referralNotFound { return }
        guard query.owner.map({ $0 == referral.organizationID }) ?? true, query.matches(referral) else { return }
        if let served = try await pulls.serve(referral, to: partner, scope: scope, context: context) { found.append(served) }
    }

    /// Reads the store's rows from `offset` until the page is full, the rows run out or `scanLimit` is reached.
    mutating func scan(_ query: FHIRTaskSearch, pulls: PulledReferrals, store: any ReferralRepository, partner: Partner,
                       scope: ReferralScope, context: AuditContext) async throws {
        // One row more than the page tells whether another page follows; with conditions of its own, larger reads.
        let batch = query.storeFiltersEverything ? query.count + 1 : 100
        var position = offset
        scanning: while true {
            let rows = try await store.referrals(query.filter(scope: scope, limit: batch, offset: position), context: context)
            for referral in rows {
                if found.count == query.count { next = position; break scanning }
                position += 1
                guard query.matches(referral) else { continue }
                if let served = try await pulls.serve(referral, to: partner, scope: scope, context: context) { found.append(served) }
            }
            if rows.count < batch { break }
            if position - offset >= Self.scanLimit { next = position; break }
        }
    }

    /// The searchset Bundle: each Task (`match`) followed by its ServiceRequest, Patient and Consent (`include`).
    func bundle(base: FHIRBase, query: FHIRTaskSearch, now: Date) -> [String: Any] {
        var entries: [[String: Any]] = []
        for resources in found {
            entries.append(entry(resources.task, base: base, mode: "match"))
            for included in [resources.serviceRequest, resources.patient, resources.consent] {
                entries.append(entry(included, base: base, mode: "include"))
            }
        }
        var links: [[String: Any]] = [["relation": "self", "url": base.url("Task?" + query.query(offset: offset))]]
        if let next { links.append(["relation": "next", "url": base.url("Task?" + query.query(offset: next))]) }
        var bundle: [String: Any] = ["resourceType": "Bundle", "type": "searchset", "timestamp": now.iso8601Seconds, "link": links, "entry": entries]
        if complete { bundle["total"] = found.count }
        // A page carrying 42 CFR Part 2 information is labelled as a whole, as the pushed Bundle is.
        if found.contains(where: \.part2) { bundle["meta"] = ["security": FHIRReferralBundle.part2SecurityLabels] }
        return bundle
    }

    func entry(_ resource: [String: Any], base: FHIRBase, mode: String) -> [String: Any] {
        let type = resource["resourceType"] as? String ?? ""
        let id = resource["id"] as? String ?? ""
        return ["fullUrl": base.url("\(type)/\(id)"), "resource": resource, "search": ["mode": mode]]
    }
}
