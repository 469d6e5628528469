import Foundation
import Hummingbird
import TrellisCore
import TrellisDirectory
import TrellisStore

extension WebController {
    /// The administrator's page: directory upload, partners, users and audit verification.
    func adminPage(_ context: TrellisRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try await access.require(AccessControl.administrators, context, to: "administer Trellis")
        var values = extra
        let time = self.time
        values["partners"] = try await store.partners().map { p in
            ["id": p.id, "organizations": p.organizations.map(organizationLabel).joined(separator: ", "), "endpoint": p.endpoint?.absoluteString ?? "inbox (answers in Trellis)",
             "format": p.format.rawValue, "status_mode": p.statusMode.rawValue] as [String: Any]
        }
        let now = Date()
        let inForce = try await store.tokens(userID: nil).filter { $0.isInForce(at: now) }
        let counts = Dictionary(grouping: inForce, by: \.userID).mapValues(\.count)
        values["users"] = try await store.users().map { u in
            ["id": u.id, "name": u.name, "role": u.role.rawValue, "organization": u.organizations.map(organizationLabel).joined(separator: ", "), "disabled": u.disabledAt != nil,
             "tokens": counts[u.id] ?? 0] as [String: Any]
        }
        values["tokens"] = inForce.prefix(500).map { t in
            ["id": t.id, "user": t.userID, "kind": t.kind.rawValue, "created": time.moment(t.createdAt),
             "expires": t.expiresAt.map(time.moment) ?? "never", "last_used": t.lastUsedAt.map(time.moment) ?? "-"] as [String: Any]
        }
        if let snapshot = try await store.latestSnapshot() {
            let changes = snapshot.changes.map { "\($0.added) added, \($0.updated) updated, \($0.unchanged) unchanged, \($0.withdrawn) withdrawn" }
            values["snapshot"] = ["id": snapshot.id, "services": snapshot.serviceCount, "imported_at": time.moment(snapshot.importedAt),
                                  "files": snapshot.files.joined(separator: ", "), "source": snapshot.source ?? "", "changes": changes ?? ""] as [String: Any]
        }
        values["roles"] = UserAccount.Role.allCases.filter { $0 != .partner }.map(\.rawValue)
        values["feeds"] = feeds.all.map { feed in
            ["url": feed.url, "kind": feed.kind.rawValue, "source": feed.source, "status": feed.state, "failing": feed.state == "failing",
             "last_success": feed.lastSuccess.map(time.moment) ?? "never", "last_error": feed.lastError ?? "",
             "last_error_at": feed.lastErrorAt.map(time.moment) ?? "", "services": feed.services.map(String.init) ?? "-"] as [String: Any]
        }
        values["has_feeds"] = !feeds.all.isEmpty
        let rejected = try await store.rejectedServices(since: Date().addingTimeInterval(-90 * 86_400), moreThan: Self.rejectionThreshold)
        values["rejected_organizations"] = Self.rejectedValues(rejected)
        values["no_rejected"] = rejected.isEmpty
        values["rejection_threshold"] = Self.rejectionThreshold
        values["upload_limit_mb"] = (uploads?.limitBytes ?? 0) / (1_024 * 1_024)
        values["uploads_enabled"] = uploads != nil && matching != nil
        return pages.render("admin", values, title: "Administration", context: context, status: status)
    }

    /// A directory file from the upload form (multipart, streamed to the spool), imported as the
    /// API imports it; the page shows the import report.
    func adminUpload(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.administrators, context, to: "import directories")
        guard let uploads, let matching else { throw APIError(.serviceUnavailable, code: "unavailable", "uploads are not enabled on this server") }
        guard let boundary = MultipartSpool.boundary(request.headers[.contentType]) else {
            // Like every other form: refused without this session's token before anything else is said about it.
            _ = try await form(request, context)
            throw APIError.invalid("send the file from the upload form (multipart/form-data)")
        }
        let path = uploads.spoolPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The form's CSRF token (and its source and replace choices) come before its file, and are checked before the file is spooled.
        let before = FormFieldsBox()
        let name = try await MultipartSpool.spool(request.body, boundary: boundary, field: "file", to: path, limit: uploads.limitBytes) { fields in
            try verifyCSRF(fields["csrf"], context)
            before.fields = fields
        }
        let source = before.fields["source"]?.trimmingCharacters(in: .whitespacesAndNewlines).nonBlank
        let replacement = DirectoryReplacement(replaceSource: before.fields["replace_source"] != nil,
                                               allowMassWithdrawal: before.fields["allow_mass_withdrawal"] != nil)
        let importer = DirectoryController(store: store, auditLog: store.audit, matching: matching, uploads: uploads)
        let report: ReadingReport, imported: Bool
        do {
            (report, imported) = try await importer.importSpooled(path: path, name: name, source: source, replacement: replacement, user: user, context: context)
        } catch let refusal as StoreError {
            guard case .massWithdrawal = refusal else { throw refusal }
            // Refused with nothing changed: said on the page, next to the form, with the counts.
            let summary: [String: Any] = ["imported": false, "file": DirectoryUploads.displayName(name), "format": "refused", "error": refusal.description]
            return try await adminPage(context, extra: ["import": summary], status: .unprocessableContent)
        }
        let file = report.files.first
        let summary: [String: Any] = [
            "imported": imported, "file": file?.path ?? "upload", "format": file?.format ?? "unknown", "services": report.services,
            "rejected": report.rejected, "warnings": report.warnings, "error": file?.error ?? "",
            "rejections": (file?.rejected ?? []).prefix(50).map { rejection in
                var row: [String: Any] = ["line": rejection.line, "reason": rejection.reason]
                row["field"] = rejection.field
                return row
            },
            "stored": report.stored?.services ?? 0,
            "changes": report.stored?.changeSummary ?? "",
        ]
        return try await adminPage(context, extra: ["import": summary], status: imported ? .ok : .unprocessableContent)
    }

    func adminVerify(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.administrators, context, to: "verify the audit trail")
        _ = try await form(request, context)
        let verdict = try await store.audit.verify()
        try await store.audit.append(access.audit(user, context, purpose: "security").entry(.execute, "audit", "verify"))
        let text: String
        switch verdict {
        case .intact(let records, let checkpoints): text = "Verified: the audit chain is intact (\(records) records, \(checkpoints) signed checkpoints)."
        case .broken(let sequence, let reason): text = "Broken at record \(sequence): \(reason)"
        }
        if case .broken = verdict { context.logger.critical("audit chain verification failed", metadata: ["audit.sequence": "\(verdict)"]) }
        return try await adminPage(context, extra: ["audit_verdict": text])
    }
}

/// The form fields that came before the file part of an upload, kept from the spool's check.
private final class FormFieldsBox: @unchecked Sendable {
    var fields: [String: String] = [:]
}

extension WebController {
    /// Disable, enable, or revoke every token of a user, from the administrator's page (CSRF-checked,
    /// audited by the store). The user's cached API tokens are dropped here at once.
    func adminUserAction(_ id: String, _ action: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let admin = try await access.require(AccessControl.administrators, context, to: "manage users")
        _ = try await form(request, context)
        let audit = access.audit(admin, context, purpose: "security")
        let notice: String
        switch action {
        case "disable":
            guard id != admin.id else { throw APIError.invalid("you cannot disable yourself: ask another administrator") }
            _ = try await store.setUser(id, disabled: true, context: audit)
            notice = "Disabled \(id): their sessions and tokens no longer work."
        case "enable":
            _ = try await store.setUser(id, disabled: false, context: audit)
            notice = "Enabled \(id)."
        case "revoke-tokens":
            let revoked = try await store.revokeTokens(userID: id, context: audit)
            notice = "Revoked \(revoked.count) token\(revoked.count == 1 ? "" : "s") of \(id)."
        default:
            throw APIError.notFound("no such action: \(action)")
        }
        tokens.forget(userID: id)
        return try await adminPage(context, extra: ["user_notice": notice])
    }

    /// A user who signs in with a password; an agency user names the directory organizations they answer for.
    func adminAddUser(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let admin = try await access.require(AccessControl.administrators, context, to: "manage users")
        let form = try await form(request, context)
        let new: UserAccount
        let password = form["password"] ?? ""
        do {
            new = try NewUserForm.user(form, createdAt: Date())
            if let problem = Passwords.problem(password) { throw APIError(.badRequest, code: "invalid", problem, field: "password") }
            if try await store.user(id: new.id) != nil { throw APIError(.conflict, code: "exists", "a user \(new.id) already exists", field: "id") }
        } catch let error as APIError {
            return try await adminPage(context, extra: ["user_error": error.message], status: error.status)
        }
        try await store.addUser(new, passwordHash: try await Passwords.hashOffThread(password), context: access.audit(admin, context, purpose: "security"))
        return try await adminPage(context, extra: ["user_notice": "Added \(new.role.rawValue) \(new.id) (\(new.organizations.joined(separator: ", ")))."])
    }

    func adminRevokeToken(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let admin = try await access.require(AccessControl.administrators, context, to: "revoke tokens")
        _ = try await form(request, context)
        guard let token = try await store.revokeToken(id: id, context: access.audit(admin, context, purpose: "security")) else {
            throw APIError.notFound("no token \(id) in force")
        }
        tokens.forget(userID: token.userID)
        return try await adminPage(context, extra: ["user_notice": "Revoked token \(id) of \(token.userID)."])
    }
}
