import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TrellisStore

/// Web sessions: the session cookie carries a token issued by the store (hashed there, revoked at
/// sign-out, so sessions survive restarts and are shared by every server on one database). The CSRF
/// token of a session is derived from its secret, which a page on another site cannot read.
enum WebSession {
    static let cookieName = "trellis_session"
    /// Before sign-in there is no session: the sign-in form is protected by a double-submit cookie.
    static let signInCookieName = "trellis_signin"

    static func cookie(_ secret: String, settings: WebSettings, maxAge: Int) -> String {
        var parts = ["\(cookieName)=\(secret)", "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=\(maxAge)"]
        if settings.secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static func signInCookie(_ value: String, settings: WebSettings) -> String {
        var parts = ["\(signInCookieName)=\(value)", "Path=/sign-in", "HttpOnly", "SameSite=Strict", "Max-Age=3600"]
        if settings.secureCookies { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// `/sign-in?signed-out=idle`: the sign-in page says the session ended for want of activity.
    static let signedOutParameter = "signed-out"

    static func signedOutMessage(_ request: Request, settings: WebSettings) -> String? {
        guard request.uri.queryParameters[Substring(signedOutParameter)] == "idle" else { return nil }
        return "You were signed out after \(Int(settings.sessionIdleLimit / 60)) minutes without activity"
    }

    static func expiredCookie(settings: WebSettings) -> String {
        cookie("", settings: settings, maxAge: 0)
    }

    /// The session's CSRF token: SHA-256 of its secret, URL-safe base64.
    static func csrfToken(forSession secret: String) -> String {
        urlSafe(Data(SHA256.hash(data: Data(("trellis-csrf:" + secret).utf8))))
    }

    static func randomValue() -> String {
        var generator = SystemRandomNumberGenerator()
        return urlSafe(Data((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    /// Equal without revealing where they differ.
    static func sameSecret(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookieValue(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    static func urlSafe(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The signed-in user of a web page, from the session cookie; pages without one go to sign-in. A
/// session idle past its limit is ended by the store, and the page goes to sign-in saying why.
struct SessionAuthentication: RouterMiddleware {
    typealias Context = TrellisRequestContext
    let store: any UserRepository
    /// A made-up or ended session cookie is counted here, not written per request.
    let failures: FailedAuthentications
    let settings: WebSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = WebSession.cookieValue(WebSession.cookieName, in: request), !secret.isEmpty else {
            return Response.redirect(to: "/sign-in", type: .normal)
        }
        guard APITokenFormat.isWellFormed(secret) else {
            failures.record(.session, address: context.sourceAddress)
            return Response.redirect(to: "/sign-in", type: .normal)
        }
        let audit = AuditContext(actor: "anonymous", sourceAddress: context.sourceAddress, purpose: "security", now: settings.now())
        switch try await store.checkToken(secret, context: audit) {
        case .valid(let user):
            var context = context
            context.user = user
            context.sessionSecret = secret
            return try await next(request, context)
        case .idle:
            var response = Response.redirect(to: "/sign-in?\(WebSession.signedOutParameter)=idle", type: .normal)
            response.headers[.setCookie] = WebSession.expiredCookie(settings: settings)
            return response
        case .refused:
            failures.record(.session, address: context.sourceAddress)
            return Response.redirect(to: "/sign-in", type: .normal)
        }
    }
}
