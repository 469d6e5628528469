public import Foundation

/// Where the web pages' templates and static files are, and how their session cookies are set.
public struct WebSettings: Sendable {
    public var templatesDirectory: String
    public var staticDirectory: String
    /// `Secure` on the session cookie: on everywhere but plain HTTP on loopback.
    public var secureCookies: Bool
    /// How long a web session lasts without signing in again.
    public var sessionLifetime: TimeInterval
    /// How long a web session may go unused before it ends (automatic log-off); kept with each
    /// session's token when it is issued.
    public var sessionIdleLimit: TimeInterval = 30 * 60
    /// The pages' clock: sign-in and session checks read it (tests fix it).
    public var now: @Sendable () -> Date = { Date() }

    public init(templatesDirectory: String, staticDirectory: String, secureCookies: Bool, sessionLifetime: TimeInterval = 12 * 3_600) {
        self.templatesDirectory = templatesDirectory
        self.staticDirectory = staticDirectory
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
    }

    /// The folder `web/` holding `templates/` and `static/`.
    public init(webDirectory: String, secureCookies: Bool) {
        self.init(templatesDirectory: webDirectory + "/templates", staticDirectory: webDirectory + "/static", secureCookies: secureCookies)
    }

    /// Secure cookies unless the server listens only on loopback (where there is no TLS to demand).
    public static func cookiesNeedTLS(host: String) -> Bool {
        !["127.0.0.1", "localhost", "::1"].contains(host)
    }
}
