import Hummingbird
import TrellisStore

/// The web pages' one error renderer: a refusal inside a page's handler becomes an error page with its
/// status, where the API would answer with its JSON envelope. It sits inside the session check, so a
/// page drawn for an error knows who is signed in; anything it does not know goes on to
/// `ErrorEnvelopeMiddleware`.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = TrellisRequestContext
    let pages: WebPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let error as APIError {
            return pages.error(error, context: context)
        } catch let error as StoreError {
            return pages.error(APIError(error), context: context)
        } catch where StoreAvailability.isUnavailable(error) {
            return pages.error(.databaseUnavailable, context: context)
        }
    }
}
