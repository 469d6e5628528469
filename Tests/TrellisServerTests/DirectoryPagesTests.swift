import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The administrator's full re-upload that withdraws a service, the tracker's flag on an open referral
/// to it, and the dashboard's equity section, through the real application.
@Suite struct DirectoryPagesTests {
    typealias Site = WebPageTests.Site
    typealias Browser = WebPageTests.Browser

    static func hsdsRecords() throws -> [Any] {
        let data = try Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/directories/riverbend.hsds.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [Any])
    }

    /// The upload form as a browser sends it: its fields (before the file, as on the page), then the file.
    static func form(_ fields: [(String, String)], file: Data, cookies: HTTPFields) -> (HTTPFields, ByteBuffer) {
        let boundary = "trellis-test-boundary"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"county.json\"\r\nContent-Type: application/json\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = cookies
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (headers, ByteBuffer(bytes: body))
    }

    @Test func aFullReUploadWithdrawsAServiceAndTheTrackerFlagsTheOpenReferralToIt() async throws {
        let site = try await Site.make()
        var records = try Self.hsdsRecords()
        let removed = try #require((records.removeLast() as? [String: Any])?["id"] as? String)
        let gone = try #require(try await site.rig.store.storedServices().first { $0.provenance.source == "hsds" && $0.provenance.recordKey == removed })
        let consent = Consent(recipient: gone.organizationID, categories: [.contact, .needs], method: .verbal, capturedBy: "cw-1",
                              capturedAt: Date().addingTimeInterval(-60))
        let referral = try await site.rig.store.createReferral(NewReferral(profile: DeliveryFixtures.profile, serviceID: gone.id, consent: consent,
                                                                           referrerOrganizationID: "ORG-CW"), context: AuditContext(actor: "cw-1"))
        let smaller = try JSONSerialization.data(withJSONObject: records)
        let oneLeft = try JSONSerialization.data(withJSONObject: [records[0]])
        try await site.test { client in
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let page = try await admin.get(client, "/admin")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"replace-source\"") && html.contains("id=\"rejected-services\""))
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))

            // A truncated export (one record of thirty) is refused, naming the counts, and changes nothing.
            let (massHeaders, massBody) = Self.form([("csrf", csrf), ("source", "hsds"), ("replace_source", "on")], file: oneLeft, cookies: admin.header)
            let mass = try await client.execute(uri: "/admin/directories", method: .post, headers: massHeaders, body: massBody)
            #expect(mass.status == .unprocessableContent)
            #expect(String(buffer: mass.body).contains("would withdraw 29 of the 30 services of source hsds"))

            let (headers, body) = Self.form([("csrf", csrf), ("source", "hsds"), ("replace_source", "on")], file: smaller, cookies: admin.header)
            let upload = try await client.execute(uri: "/admin/directories", method: .post, headers: headers, body: body)
            #expect(upload.status == .ok)
            #expect(String(buffer: upload.body).contains("0 added, 0 updated, 29 unchanged, 1 withdrawn"))

            var caseWorker = Browser()
            _ = try await caseWorker.signIn(client, as: "cw-1")
            let tracker = String(buffer: try await caseWorker.get(client, "/referrals").body)
            #expect(tracker.contains("data-referral-id=\"\(referral.id)\" data-service-withdrawn=\"true\""))
            #expect(tracker.contains("service withdrawn from the directory"))
            let detail = String(buffer: try await caseWorker.get(client, "/referrals/\(referral.id)").body)
            #expect(detail.contains("withdrawn from the directory: no longer offered"))
            #expect(detail.contains(LoopClosureChart.escape(gone.name)), "the withdrawn service's name, from the store")
        }
    }

    @Test func theDashboardShowsEquityTheTrendChartAndItsCSV() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var supervisor = Browser()
            _ = try await supervisor.signIn(client, as: "sup-1")
            let dashboard = String(buffer: try await supervisor.get(client, "/dashboard").body)
            #expect(dashboard.contains("id=\"equity\"") && dashboard.contains("id=\"loop-closure-trend\""))
            #expect(dashboard.contains("id=\"equity-preferred_language\"") && dashboard.contains("href=\"/dashboard/equity.csv\""))
            #expect(dashboard.contains("id=\"rejected-services\""))
            let csv = try await supervisor.get(client, "/dashboard/equity.csv")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: csv.body).hasPrefix("dimension,group,referrals,"))
            var caseWorker = Browser()
            _ = try await caseWorker.signIn(client, as: "cw-1")
            #expect(try await caseWorker.get(client, "/dashboard/equity.csv").status == .forbidden)
        }
    }
}
