import Foundation
import TrellisCore
import TrellisStore

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

extension CapacityUpdate {
    /// Stores the report for service `id` when `user` answers for its organization (403 otherwise, 404
    /// when there is no such service), then reloads matching so it ranks with the new figures from the
    /// next request on. The API route and the inbox form both take reports this way.
    func apply(to id: String, by user: UserAccount, _ context: TrellisRequestContext, store: any DirectoryRepository, access: AccessControl,
               matching: MatchingService?) async throws -> Service {
        guard let service = try await store.service(id: id) else { throw APIError.notFound("no service \(id) in the directory") }
        try await access.requireAnswering(for: service.organizationID, user, context, to: "report capacity for \(id)")
        let updated = try await store.reportCapacity(serviceID: id, available: available, waitlist: waitlist,
                                                     context: access.audit(user, context, purpose: "operations"))
        try await matching?.reload(from: store)
        return updated
    }
}
