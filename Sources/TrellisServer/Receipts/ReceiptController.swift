import Foundation
public import Hummingbird
import TrellisCore
public import TrellisStore

/// `GET /v1/referrals/{id}/receipt`: the person's receipt (what was shared, with whom, when, under which
/// consent, how to revoke, and the audit records and signed checkpoint that prove it), to whoever may
/// read the referral itself; another organization's referral is not found.
public struct ReceiptController: Sendable {
    let store: any ReceiptRepository & ReferralRepository
    let access: AccessControl

    public init(store: any TrellisStore, auditLog: any AuditLog) {
        self.store = store
        access = AccessControl(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/referrals/:id/receipt") { _, context in try await show(try context.parameters.require("id"), context) }
    }

    func show(_ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "read referrals")
        let receipt = try await store.receipt(referralID: id, scope: try await access.referralScope(for: user), context: access.audit(user, context))
        return try JSONResponse.encode(.ok, receipt)
    }
}
