import Hummingbird
import HummingbirdTesting
import Testing
import TrellisServer

/// Answers that may carry a person's data are never kept by a cache, whatever their status.
@Suite struct PrivateResponseTests {
    typealias F = APIFixture

    @Test func everyAnswerForbidsCachingAndTypeGuessing() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let created = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: try F.referralBody())
            let id = try #require(try F.json(created)["id"] as? String)
            let answers = [
                ("created", created),
                ("read", try await client.execute(uri: "/v1/referrals/\(id)", method: .get, headers: fixture.headers(.caseworkerA))),
                ("list", try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.caseworkerA))),
                ("refused", try await client.execute(uri: "/v1/referrals", method: .get)),
                ("unknown route", try await client.execute(uri: "/v1/nothing-here", method: .get, headers: fixture.headers(.caseworkerA))),
            ]
            for (what, response) in answers {
                #expect(response.headers[.cacheControl] == "no-store", "\(what): \(response.status)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what): \(response.status)")
            }
        }
    }
}
