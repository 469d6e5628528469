import Foundation
public import Hummingbird
import TrellisCore
public import TrellisStore

/// `GET /v1/audit?after&limit` (the trail, page by page) and `GET /v1/audit/verify` (walk the hash
/// chain against the signed checkpoints). Administrators only; reading the trail is itself audited.
public struct AuditController: Sendable {
    let auditLog: any AuditLog
    let access: AccessControl

    /// `store` only for the administrator check.
    public init(store: any ReferralRepository & PartnerRepository, auditLog: any AuditLog) {
        self.auditLog = auditLog
        access = AccessControl(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/audit") { request, context in
            let user = try await access.require(AccessControl.administrators, context, to: "read the audit trail")
            try request.uri.rejectUnknownParameters(["after", "limit"])
            let after = try request.uri.integer("after", in: 0...Int.max, default: 0)
            let limit = try request.uri.integer("limit", in: 1...1_000, default: 100)
            let records = try await auditLog.records(after: Int64(after), limit: limit)
            try await auditLog.append(access.audit(user, context, purpose: "security").entry(
                .read, "audit", "*", detail: "\(records.count) records after \(after)"))
            return try JSONResponse.encode(.ok, AuditPage(records: records.map(\.event), next: records.last.map { Int($0.event.sequence) }))
        }
        group.get("/audit/verify") { _, context in
            let user = try await access.require(AccessControl.administrators, context, to: "verify the audit trail")
            let verdict = try await auditLog.verify()
            try await auditLog.append(access.audit(user, context, purpose: "security").entry(.execute, "audit", "verify"))
            return try JSONResponse.encode(.ok, AuditVerification(verdict))
        }
    }
}

struct AuditPage: Encodable, Sendable {
    var records: [AuditEvent]
    /// The `after` for the next page; nil at the end.
    var next: Int?

    enum CodingKeys: String, CodingKey { case records, next = "next_after" }
}

/// As `trellis audit verify --json` prints it.
struct AuditVerification: Encodable, Sendable {
    var intact: Bool
    var records: Int?
    var checkpoints: Int?
    var sequence: Int64?
    var reason: String?

    init(_ verdict: AuditChain.Verdict) {
        switch verdict {
        case .intact(let records, let checkpoints): (intact, self.records, self.checkpoints) = (true, records, checkpoints)
        case .broken(let sequence, let reason): (intact, self.sequence, self.reason) = (false, sequence, reason)
        }
    }
}
