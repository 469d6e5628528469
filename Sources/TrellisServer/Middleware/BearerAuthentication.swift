import Foundation
import HTTPTypes
public import Hummingbird
public import TrellisStore

/// `Authorization: Bearer trt_…`: the token's user goes into the context. The store checks a token
/// and audits its use as a sign-in; a checked token is then trusted for `TokenCache.lifetime` (30 s),
/// so a busy client is not a database write per request. Routes behind it answer 401 without a valid
/// token. A value that cannot be a token is refused before the store is asked, and every refusal is
/// counted (`FailedAuthentications`) rather than written one by one.
public struct BearerAuthentication: RouterMiddleware {
    public typealias Context = TrellisRequestContext
    let store: any TrellisStore
    let failures: FailedAuthentications
    let cache: TokenCache

    public init(store: any TrellisStore, failures: FailedAuthentications) {
        self.init(store: store, failures: failures, cache: TokenCache())
    }

    /// `cache` is shared with the administrator's pages, which empty it of a user they disable.
    init(store: any TrellisStore, failures: FailedAuthentications, cache: TokenCache) {
        self.store = store
        self.failures = failures
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
        guard let user = try await Self.user(bearing: secret, store: store, failures: failures, kind: .token, context: context),
              user.disabledAt == nil else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""], message: "the token is not valid")
        }
        cache.remember(user, for: secret)
        context.user = user
        return try await next(request, context)
    }

    /// The user `secret` belongs to: a malformed one without asking the store, and a refusal counted.
    static func user(bearing secret: String, store: any TrellisStore, failures: FailedAuthentications, kind: FailedAuthentications.Kind,
                     context: Context) async throws -> UserAccount? {
        guard APITokenFormat.isWellFormed(secret) else {
            failures.record(kind, address: context.sourceAddress)
            return nil
        }
        let audit = AuditContext(actor: "anonymous", sourceAddress: context.sourceAddress, purpose: "security")
        guard let user = try await store.user(bearing: secret, context: audit) else {
            failures.record(kind, address: context.sourceAddress)
            return nil
        }
        return user
    }
}
