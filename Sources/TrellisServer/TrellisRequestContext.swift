public import Hummingbird
public import NIOCore
public import TrellisStore

/// Each request's context: Hummingbird's core storage plus the peer's address, for the audit trail.
public struct TrellisRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The person the request's bearer token belongs to, once `BearerAuthentication` has run.
    public var user: UserAccount?
    /// The client's address as a trusted reverse proxy forwarded it (`ClientAddressMiddleware`).
    var forwardedClient: String?
    /// The web session's secret, once `SessionAuthentication` has run (its CSRF token derives from it).
    var sessionSecret: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address, as the audit trail and the limits record it: the peer's, or the one a
    /// trusted proxy forwarded.
    var sourceAddress: String? { forwardedClient ?? remoteAddress?.ipAddress }
}
