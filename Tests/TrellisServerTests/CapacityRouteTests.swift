import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// `PUT /v1/services/{id}/capacity`: an agency reports its own service's places, through the real app.
@Suite struct CapacityRouteTests {
    typealias F = APIFixture

    static func put(_ client: any TestClientProtocol, _ fixture: F, _ caller: F.Caller, _ service: String, _ body: String) async throws -> TestResponse {
        var headers = fixture.headers(caller)
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/v1/services/\(service)/capacity", method: .put, headers: headers, body: ByteBuffer(string: body))
    }

    static let cases: [(F.Caller, String, Int)] = [
        (.agency42, "svc-ORG-42", 200), (.partner42, "svc-ORG-42", 200), (.admin, "svc-ORG-7", 200),
        (.agency42, "svc-ORG-7", 403), (.partner42, "svc-ORG-7", 403), (.caseworkerA, "svc-ORG-42", 403), (.supervisorA, "svc-ORG-42", 403),
        (.agency42, "svc-none", 404),
    ]

    @Test(arguments: cases)
    func onlyTheAgencyItselfReportsItsCapacity(_ caller: F.Caller, _ service: String, _ expected: Int) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await Self.put(client, fixture, caller, service, #"{"available": 3, "waitlist": 0}"#)
            #expect(Int(response.status.code) == expected, "\(caller) \(service): \(String(buffer: response.body))")
            let stored = try await fixture.store.service(id: service)?.capacity?.available
            #expect((stored == 3) == (expected == 200))
        }
    }

    @Test(arguments: [
        (#"{"available": -1}"#, "available"), (#"{"available": 100001}"#, "available"), (#"{"available": 1e300}"#, "available"),
        (#"{"available": "3"}"#, "available"), (#"{"waitlist": 2.5}"#, "waitlist"), (#"{"open": 3}"#, "open"),
        (#"{"waitlist": 99999999999999999999999}"#, "waitlist"),
    ])
    func aBadFigureIsRefusedNamingTheField(_ body: String, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await Self.put(client, fixture, .agency42, "svc-ORG-42", body)
            #expect(response.status == .badRequest)
            #expect(try F.errorField(response) == field)
            #expect(try await fixture.store.service(id: "svc-ORG-42")?.capacity == nil)
        }
    }

    @Test func matchingUsesTheReportAtOnce() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            #expect(fixture.matching.index.capacity(of: "svc-ORG-42") == nil)
            let reported = try await Self.put(client, fixture, .agency42, "svc-ORG-42", #"{"available": 5}"#)
            #expect(reported.status == .ok)
            #expect(fixture.matching.index.capacity(of: "svc-ORG-42")?.available == 5)
        }
    }
}
