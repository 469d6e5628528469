import Foundation
import Hummingbird
import TrellisCore
import TrellisStore

/// Who may do what. Case workers and supervisors see their organization's referrals, a partner and an
/// agency user those addressed to the organizations they answer for, an administrator everything; supervisors also see
/// their organization's reports, administrators the directory, users and audit trail. Every refusal
/// is audited and answered 403 (a route the role may not use) or 404 (a referral outside its scope,
/// so its existence is not revealed).
struct AccessControl: Sendable {
    typealias Role = UserAccount.Role
    static let referrers: Set<Role> = [.caseworker, .supervisor, .admin]
    static let reporters: Set<Role> = [.supervisor, .admin]
    static let administrators: Set<Role> = [.admin]
    static let everyone: Set<Role> = Set(Role.allCases)

    /// Referrals and partners: whose scope a user has, and the referrer's cancel.
    let store: any ReferralRepository & PartnerRepository
    /// Where refusals are written.
    let auditLog: any AuditLog

    /// The signed-in user, when their role is one of `roles`; otherwise a 403, audited as a denial.
    func require(_ roles: Set<Role>, _ context: TrellisRequestContext, to action: String) async throws -> UserAccount {
        guard let user = context.user else { throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "sign in first") }
        guard roles.contains(user.role) else {
            try await auditLog.append(audit(user, context, purpose: "security").entry(
                .execute, "access", action, outcome: .denied, detail: "role \(user.role.rawValue) may not \(action)"))
            throw APIError.forbidden("a \(user.role.rawValue) may not \(action)")
        }
        return user
    }

    /// Refuses (403, audited) unless `user` answers for `organization`: an agency user bound to it, a
    /// partner token whose partner answers for it, or an administrator.
    func requireAnswering(for organization: String, _ user: UserAccount, _ context: TrellisRequestContext, to action: String) async throws {
        let answers: Bool = switch try await referralScope(for: user) {
        case .everything: true
        case .addressedTo(let organizations): organizations.contains(organization)
        case .referredBy: false
        }
        guard answers else {
            try await auditLog.append(audit(user, context, purpose: "security").entry(
                .execute, "access", action, outcome: .denied, detail: "\(user.id) does not answer for \(organization)"))
            throw APIError.forbidden("only \(organization) (its agency users or its partner) may \(action)")
        }
    }

    /// The referrals `user` may see at all.
    func referralScope(for user: UserAccount) async throws -> ReferralScope {
        switch user.role {
        case .admin: return .everything
        case .caseworker, .supervisor: return .referredBy(organization: user.organizationID)
        case .partner:
            let partner = try await store.partners().first { $0.id == user.organizationID }
            return .addressedTo(organizations: partner?.organizations ?? [])
        case .agency: return .addressedTo(organizations: user.organizations)
        }
    }

    /// Cancels a referral the user may see, as its referrer. Another organization's referral is read
    /// within scope first, so it is "not found" (and audited so) rather than refused by the lifecycle.
    func cancel(_ id: String, reason: String?, version: Int?, by user: UserAccount, _ context: TrellisRequestContext) async throws -> Referral {
        let audit = audit(user, context)
        _ = try await store.referral(id: id, scope: try await referralScope(for: user), context: audit)
        return try await store.changeStatus(StatusChangeRequest(referralID: id, status: .cancelled, party: .referrer, reason: reason?.nonBlank,
                                                                source: .api, expectedVersion: version), context: audit)
    }

    func audit(_ user: UserAccount, _ context: TrellisRequestContext, purpose: String = "treatment") -> AuditContext {
        AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: purpose)
    }
}
