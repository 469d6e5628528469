import Foundation
import Hummingbird

/// JSON bodies for responses, with sorted keys so answers are stable.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The API's error shape: `{"error": {"code", "message", "field"}}` — never a stack trace or SQL.
    static func error(_ status: Int, code: String, _ message: String, field: String? = nil) -> Response {
        var error: [String: Any] = ["code": code, "message": message]
        error["field"] = field
        return make(HTTPResponse.Status(code: status), ["error": error])
    }
}
