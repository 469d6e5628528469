import Foundation
import HTTPTypes
public import Hummingbird
public import TrellisStore

/// `Authorization: Bearer trt_…`: the token's user goes into the context, and every use is audited as
/// a sign-in by the store. Routes behind it answer 401 without a valid token.
public struct BearerAuthentication: RouterMiddleware {
    public typealias Context = TrellisRequestContext
    let store: any TrellisStore

    public init(store: any TrellisStore) { self.store = store }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "sign in: send Authorization: Bearer with an API token")
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let audit = AuditContext(actor: "anonymous", sourceAddress: context.sourceAddress, purpose: "security")
        guard let user = try await store.user(bearing: secret, context: audit), user.disabledAt == nil else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""], message: "the token is not valid")
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }
}
