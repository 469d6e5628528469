import HTTPTypes
public import Hummingbird

/// Puts the client's address behind a trusted reverse proxy into the context (see `ForwardedFor`),
/// before anything audits or counts by address.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = TrellisRequestContext
    let forwardedFor: ForwardedFor

    public init(_ forwardedFor: ForwardedFor) { self.forwardedFor = forwardedFor }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !forwardedFor.trustedProxies.isEmpty, let name = HTTPField.Name("X-Forwarded-For") else { return try await next(request, context) }
        var context = context
        let peer = context.remoteAddress?.ipAddress
        let client = forwardedFor.client(peer: peer, forwardedFor: request.headers[values: name])
        if client != peer { context.forwardedClient = client }
        return try await next(request, context)
    }
}
