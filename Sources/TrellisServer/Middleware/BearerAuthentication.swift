import Foundation
import HTTPTypes
public import Hummingbird
public import TrellisStore

/// `Authorization: Bearer trt_…`: the token's user goes into the context. The store checks a token
/// and audits its use as a sign-in; a checked token is then trusted for `TokenCache.lifetime` (30 s),
/// so a busy client is not a database write per request. Routes behind it answer 401 without a valid token.
public struct BearerAuthentication: RouterMiddleware {
    public typealias Context = TrellisRequestContext
    let store: any TrellisStore
    let cache: TokenCache

    public init(store: any TrellisStore) { self.init(store: store, cache: TokenCache()) }

    /// `cache` is shared with the administrator's pages, which empty it of a user they disable.
    init(store: any TrellisStore, cache: TokenCache) {
        self.store = store
        self.cache = cache
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "sign in: send Authorization: Bearer with an API token")
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        var context = context
        if let known = cache.user(for: secret) {
            context.user = known
            return try await next(request, context)
        }
        let audit = AuditContext(actor: "anonymous", sourceAddress: context.sourceAddress, purpose: "security")
        guard let user = try await store.user(bearing: secret, context: audit), user.disabledAt == nil else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""], message: "the token is not valid")
        }
        cache.remember(user, for: secret)
        context.user = user
        return try await next(request, context)
    }
}
