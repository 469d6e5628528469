import Foundation
public import Hummingbird
import TrellisStore

/// FHIR's answers: resources as `application/fhir+json`, and every refusal as an OperationOutcome
/// whose `diagnostics` says what went wrong and whose `expression` names the parameter at fault.
enum FHIROutcome {
    static let contentType = "application/fhir+json"

    static func resource(_ data: Data, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An OperationOutcome for a refusal with `status`.
    static func error(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, headers: HTTPFields = [:]) -> Response {
        var issue: [String: Any] = ["severity": "error", "code": issueCode(status), "diagnostics": message]
        if let field { issue["expression"] = [field] }
        let outcome: [String: Any] = ["resourceType": "OperationOutcome", "issue": [issue]]
        let data = (try? JSONSerialization.data(withJSONObject: outcome, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// FHIR's issue type for an HTTP status.
    static func issueCode(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid"
        case 401: "login"
        case 403: "forbidden"
        case 404: "not-found"
        case 409: "conflict"
        case 413, 414: "too-long"
        case 422: "business-rule"
        case 429: "throttled"
        case 503: "transient"
        default: status.code >= 500 ? "exception" : "invalid"
        }
    }
}

/// Renders what the FHIR routes throw as OperationOutcomes (the rest of the API keeps its JSON
/// envelope): a refused token, a bad parameter, a referral outside the caller's scope.
struct FHIROutcomeMiddleware: RouterMiddleware {
    typealias Context = TrellisRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.render(error)
        } catch let error as StoreError {
            let answer = APIError(error)
            if answer.status.code >= 500 { context.logger.critical("stored data could not be read", metadata: ["error.type": "\(type(of: error))"]) }
            return Self.render(answer)
        } catch let error as HTTPError {
            return FHIROutcome.error(error.status, error.body ?? error.status.reasonPhrase,
                                     headers: error.headers.filter { $0.name != .contentType && $0.name != .contentLength })
        } catch where StoreAvailability.isUnavailable(error) {
            context.logger.warning("the database is unavailable", metadata: ["error.type": "\(type(of: error))"])
            return Self.render(APIError.databaseUnavailable)
        } catch {
            context.logger.error("FHIR request failed", metadata: ["error.type": "\(type(of: error))"])
            return FHIROutcome.error(.internalServerError, "something went wrong on our side; the request can be sent again")
        }
    }

    static func render(_ error: APIError) -> Response {
        FHIROutcome.error(error.status, error.message, field: error.field,
                          headers: error.status == .serviceUnavailable ? [.retryAfter: "5"] : [:])
    }
}
