import Foundation
import Hummingbird
import TrellisCore

/// JSON bodies for responses, with sorted keys so answers are stable.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `value` as JSON with sorted keys and ISO 8601 dates (as `trellis … --json` prints them).
    static func encode(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// JSON already written (`JSONTextWriter`), as `encode` would send it.
    static func bytes(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601Seconds)
        }
        return encoder
    }()

    /// The API's error shape: `{"error": {"code", "message", "field"}}` — never a stack trace or SQL.
    static func error(_ status: Int, code: String, _ message: String, field: String? = nil) -> Response {
        var error: [String: Any] = ["code": code, "message": message]
        error["field"] = field
        return make(HTTPResponse.Status(code: status), ["error": error])
    }
}
