import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import TrellisCore

extension Request {
    /// The body decoded as `type`, at most `limit` bytes; a refusal names the field at fault.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int, what: String) async throws -> T {
        let body: ByteBuffer
        do { body = try await collectBody(upTo: limit) } catch {
            throw APIError(.contentTooLarge, code: "too_large", "\(what) is at most \(limit / 1_024) KB")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            throw APIError.invalid(field.isEmpty ? reason : "\(field): \(reason)", field: field.isEmpty ? nil : field)
        } catch {
            throw APIError.invalid("the body must be \(what) (JSON)")
        }
    }
}

extension Request {
    /// The `Idempotency-Key` header: 1 to 200 characters, or absent.
    func idempotencyKey() throws -> String? {
        let key = headers[HTTPField.Name("Idempotency-Key")!]
        if let key, key.isEmpty || key.utf8.count > 200 {
            throw APIError.invalid("Idempotency-Key is 1 to 200 characters", field: "Idempotency-Key")
        }
        return key
    }
}

extension URI {
    /// Refuses query parameters a route does not know, so a misspelt filter is an error rather than
    /// a silently wider answer.
    func rejectUnknownParameters(_ known: Set<String>) throws {
        for (name, _) in queryParameters where !known.contains(String(name)) {
            throw APIError.invalid("unknown query parameter \(name) (known: \(known.sorted().joined(separator: ", ")))", field: String(name))
        }
    }

    /// A whole-number parameter in `range`, or `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = try nonBlankText(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid("\(name) is a whole number from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return value
    }

    /// A parameter's value read as a form sends it (`+` is a space), trimmed; nil when absent or blank.
    func text(_ name: String) -> String? {
        FormData(query ?? "")[name]
    }

    /// A parameter that must carry a value when it is given: nil when absent, refused by name when blank
    /// (`near=` is a mistake to report, not a filter to drop).
    func nonBlankText(_ name: String) throws -> String? {
        guard has(name) else { return nil }
        guard let text = text(name) else { throw APIError.invalid("\(name) needs a value", field: name) }
        return text
    }

    /// Whether the parameter is in the query at all, even with no value.
    func has(_ name: String) -> Bool {
        FormData(query ?? "").values[name] != nil
    }
}
