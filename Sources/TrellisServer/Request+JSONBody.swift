import Foundation
import Hummingbird
import HummingbirdCore
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
        guard let text = queryParameters[name[...]] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid("\(name) is a whole number from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return value
    }

    func text(_ name: String) -> String? {
        queryParameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
}
