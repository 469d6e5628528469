public import Hummingbird

/// Answers can carry a person's data (a referral, an audit trail, a match for a profile): no cache
/// between Trellis and the reader — a proxy, a shared browser — may keep them, and no browser may
/// guess their type. Answers that say otherwise themselves (the stylesheet) keep their own headers.
public struct PrivateResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if response.headers[.xContentTypeOptions] == nil { response.headers[.xContentTypeOptions] = "nosniff" }
        return response
    }
}
