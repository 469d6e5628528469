public import Foundation
public import TrellisCore

/// Where the web pages' templates and static files are, and how their session cookies are set.
public struct WebSettings: Sendable {
    public var templatesDirectory: String
    public var staticDirectory: String
    /// `Secure` on the session cookies: on unless `--insecure-cookies` (see `secureCookies(host:insecureRequested:)`).
    public var secureCookies: Bool
    /// How long a web session lasts without signing in again.
    public var sessionLifetime: TimeInterval
    /// How long a web session may go unused before it ends (automatic log-off); kept with each
    /// session's token when it is issued.
    public var sessionIdleLimit: TimeInterval = 30 * 60
    /// The pages' clock: sign-in and session checks read it (tests fix it).
    public var now: @Sendable () -> Date = { Date() }
    /// The county's business calendar (`referrals.time_zone` and `referrals.holidays` in config/trellis.json):
    /// pages show times in its zone and count deadlines in its business days.
    public var calendar = BusinessCalendar(timeZone: TimeZone(identifier: "America/Chicago") ?? TimeZone(secondsFromGMT: 0)!)

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

    /// Whether session cookies are `Secure`: always, unless plain-HTTP development was asked for
    /// explicitly (`--insecure-cookies`), which only a server listening on loopback may ask.
    public static func secureCookies(host: String, insecureRequested: Bool) throws(WebSetupError) -> Bool {
        guard insecureRequested else { return true }
        guard isLoopback(host) else {
            throw WebSetupError(message: "--insecure-cookies is for plain-HTTP development on loopback only, and \(host) is not a loopback address")
        }
        return false
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || (host.hasPrefix("127.") && ForwardedFor.ipAddress(host) == host)
    }
}
