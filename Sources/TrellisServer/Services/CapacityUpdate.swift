import Foundation
import TrellisCore

/// `PUT /v1/services/{id}/capacity`: `{"available": 3, "waitlist": 0}`; null (or absent) says "not known".
/// Whole numbers from 0 to 100,000 only: anything else is refused naming the field.
struct CapacityUpdate: Decodable, Sendable {
    var available: Int?
    var waitlist: Int?

    static let range = 0...100_000

    enum CodingKeys: String, CodingKey, CaseIterable { case available, waitlist }

    init(available: Int?, waitlist: Int?) {
        self.available = available
        self.waitlist = waitlist
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        available = try Self.count(c, .available)
        waitlist = try Self.count(c, .waitlist)
    }

    private static func count(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
        guard let value = try? c.decode(Int.self, forKey: key), range.contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "a whole number from 0 to 100000, or null when not known")
        }
        return value
    }
}
