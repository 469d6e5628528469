import Foundation
import Hummingbird
import TrellisCore
import TrellisStore

extension WebController {
    func signInPage(context: TrellisRequestContext, message: String? = nil, username: String = "",
                    status: HTTPResponse.Status = .ok, retryAfter: Int? = nil) -> Response {
        let token = WebSession.randomValue()
        var headers: HTTPFields = [.setCookie: WebSession.signInCookie(token, settings: settings)]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        var values: [String: Any] = ["signin_token": token, "username": username]
        if let message { values["message"] = message }
        return pages.render("sign-in", values, title: "Sign in", context: context, status: status, headers: headers)
    }

    /// Checks the password with bcrypt, counts failures per user name and address (`SignInLimiter`),
    /// audits each refused password (the limiter bounds how many), and on success
    /// issues a session token (stored hashed) in an HttpOnly, SameSite=Strict cookie.
    func signIn(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        var request = request
        let form = FormData(String(buffer: try await request.collectBody(upTo: 16 * 1_024)))
        let username = form["username"] ?? ""
        let address = context.sourceAddress ?? "unknown"
        guard let given = form["csrf"], let expected = WebSession.cookieValue(WebSession.signInCookieName, in: request),
              WebSession.sameSecret(given, expected) else {
            return signInPage(context: context, message: "The sign-in form expired. Please try again.", username: username, status: .forbidden)
        }
        if let wait = limiter.retryAfter(user: username, address: address) {
            // Counted, not written per attempt: a refused flood costs no database write.
            failures.record(.signIn, address: context.sourceAddress)
            return signInPage(context: context, message: "Too many failed sign-ins. Try again in \(wait / 60 + 1) minutes.",
                              username: username, status: .tooManyRequests, retryAfter: wait)
        }
        let audit = AuditContext(actor: username.isEmpty ? "anonymous" : username, sourceAddress: address, purpose: "security", now: settings.now())
        let user = try await store.user(id: username)
        let hash = user == nil ? nil : try await store.passwordHash(userID: username)
        // Verify against a real hash even for an unknown user, so timing does not reveal who exists.
        let valid = await Passwords.verify(form["password"] ?? "", against: hash ?? Passwords.decoyHash)
        guard let user, hash != nil, valid, user.disabledAt == nil, user.role != .partner else {
            limiter.failed(user: username, address: address)
            try await store.audit.append(audit.entry(.execute, "session", username.isEmpty ? "unknown" : username, outcome: .denied,
                                                     detail: "password sign-in refused"))
            return signInPage(context: context, message: "That user name and password do not match.", username: username, status: .unauthorized)
        }
        limiter.succeeded(user: username, address: address)
        let token = try await store.issueToken(userID: user.id, expiresAt: audit.now.addingTimeInterval(settings.sessionLifetime), kind: .session,
                                               idleLimit: settings.sessionIdleLimit, context: audit)
        var response = Self.seeOther(Self.home(of: user.role))
        response.headers[.setCookie] = WebSession.cookie(token.secret, settings: settings, maxAge: Int(settings.sessionLifetime))
        return response
    }

    /// Where a role's work starts.
    static func home(of role: UserAccount.Role) -> String {
        switch role {
        case .admin: "/admin"
        case .supervisor: "/dashboard"
        case .agency: "/inbox"
        case .caseworker, .partner: "/"
        }
    }

    func signOut(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        _ = try await form(request, context)
        if let secret = context.sessionSecret, let user = context.user {
            _ = try await store.revokeToken(secret: secret, context: access.audit(user, context, purpose: "security"))
        }
        var response = Self.seeOther("/sign-in")
        response.headers[.setCookie] = WebSession.expiredCookie(settings: settings)
        return response
    }
}
