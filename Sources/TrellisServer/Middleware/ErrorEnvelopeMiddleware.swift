public import Hummingbird
import TrellisStore

/// Every error leaves as the API's JSON envelope, `{"error": {"code", "message", "field"}}`: an unknown
/// route, a body too large, a failure deep inside. Never a stack trace or SQL text.
public struct ErrorEnvelopeMiddleware: RouterMiddleware {
    public typealias Context = TrellisRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as StoreError {
            let answer = APIError(error)
            if answer.status.code >= 500 { context.logger.critical("stored data could not be read", metadata: ["error.type": "\(type(of: error))"]) }
            return answer.response
        } catch let error as HTTPError {
            var response = JSONResponse.error(Int(error.status.code), code: Self.code(error.status), error.body ?? error.status.reasonPhrase)
            response.headers.append(contentsOf: error.headers.filter { $0.name != .contentType && $0.name != .contentLength })
            return response
        } catch let error as any HTTPResponseError {
            return JSONResponse.error(Int(error.status.code), code: Self.code(error.status), error.status.reasonPhrase)
        } catch where StoreAvailability.isUnavailable(error) {
            context.logger.warning("the database is unavailable", metadata: ["error.type": "\(type(of: error))"])
            return APIError.databaseUnavailable.response
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return JSONResponse.error(500, code: "internal", "something went wrong on our side; the request can be sent again")
        }
    }

    static func code(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "too_large"
        case 422: "refused"
        case 429: "rate_limited"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal" : "invalid"
        }
    }
}
