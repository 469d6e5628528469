import Foundation
import Hummingbird

/// JSON bodies for responses, with sorted keys so answers are stable.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ code: Int, _ message: String) -> Response {
        make(HTTPResponse.Status(code: code), ["error": message])
    }
}
