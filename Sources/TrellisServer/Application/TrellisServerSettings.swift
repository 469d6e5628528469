public import Foundation
public import TrellisCore
public import TrellisDelivery
public import TrellisDirectory
public import TrellisMatching

/// Everything `buildApplication(settings:store:)` needs, already read: `trellis serve` fills it from its
/// options and config/trellis.json, a test from its fixtures. Values only; files are read by the caller.
public struct TrellisServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Ranks services for the match routes and pages (its scoring, postal centroids and day).
    public var matcher: Matcher
    /// A matching service already loaded with `matcher` (a test that looks into it); nil: loaded from the store.
    public var matching: MatchingService?
    /// Reads uploaded and first-start directories; without it the server takes no directory uploads.
    public var reader: DirectoryReader?
    public var uploadSpool = NSTemporaryDirectory()
    public var uploadLimitBytes = DirectoryUploads.defaultLimitBytes
    /// Imported when the database holds no directory yet, so the first start serves something.
    public var firstStartDirectories: [String] = []
    /// A partners file's entries, stored before anything is delivered; nil: the partners already stored.
    public var partners: [Partner]?
    /// The delivery worker's settings; nil when another process delivers (`--no-delivery`).
    public var delivery: DeliverySettings? = DeliverySettings()
    /// Seconds between polls of partners that cannot call back; nil: no poller here.
    public var pollEvery: TimeInterval? = 300
    /// Seconds between checks for overdue referrals; nil: no checker here.
    public var overdueEvery: TimeInterval? = 900
    /// Seconds between sweeps for consents that expired; nil: no sweep here.
    public var consentSweepEvery: TimeInterval? = 60
    /// E-mail notices to agencies about their inbox; nil: none are sent (they stay queued).
    public var mail: MailSettings?
    /// Reload the matcher's directory when another process imports one.
    public var watchesDirectory = true
    /// Watch the database and answer 503 at once while it does not answer.
    public var watchesDatabase = true
    /// The case workers' web pages, loaded; without them the server answers the API only.
    public var web: WebInterface?
    /// schemas/openapi.yaml, served at `/openapi.yaml`.
    public var openAPIDocument: String?
    /// Which peers' `X-Forwarded-For` names the client (`--trusted-proxy`).
    public var forwardedFor = ForwardedFor.direct
    /// A second port, on loopback only, serving /metrics without a token.
    public var metricsPort: Int?
    /// Failed authentications, counted per address and minute and audited by `SecurityUpkeep`.
    public var failedAuthentications = FailedAuthentications()
    /// The web sign-in's limits, pruned by `SecurityUpkeep`.
    public var signInLimiter = SignInLimiter()
    /// Directories pulled on a schedule (`directories.feeds`); they need `reader`.
    public var feeds: [DirectoryFeed] = []
    /// Where pulled feeds keep their pages and validators between pulls.
    public var feedCache: URL?
    /// Told after every scheduled pull (tests wait on it).
    public var onFeedPulled: @Sendable (DirectoryFeed, FeedStatusBoard.Entry) -> Void = { _, _ in }

    public init(matcher: Matcher) {
        self.matcher = matcher
    }
}
