import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDelivery
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The FHIR pull through the real application: partner p42's token searches and reads the Tasks and
/// ServiceRequests of referrals addressed to ORG-42 that reached it, disclosed exactly as the push
/// would send them (consent categories, 42 CFR Part 2), each read audited as a disclosure; another
/// organization's referral, a draft, and a referral whose consent is no longer in force never come out.
@Suite struct FHIRPullRouteTests {
    typealias F = APIFixture

    /// Referrals to ORG-42 made through the store by ORG-A's case worker, under `categories`.
    static func refer(_ fixture: F, count: Int = 1, to organization: String = "ORG-42", categories: Set<Consent.Category> = [.contact, .needs],
                      service: String? = nil, draft: Bool = false, expiresAt: Date? = nil, at now: Date = Date()) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            var profile = DeliveryFixtures.profile
            profile.person.ref = "P-pull-\(index)"
            let consent = Consent(recipient: organization, categories: categories, method: .written, capturedBy: "cw-a",
                                  capturedAt: now.addingTimeInterval(-60), expiresAt: expiresAt)
            let request = NewReferral(profile: profile, serviceID: service ?? "svc-\(organization)", consent: consent, draft: draft,
                                      note: "Prefers morning calls", referrerOrganizationID: "ORG-A")
            ids.append(try await fixture.store.createReferral(request, context: AuditContext(actor: "cw-a", now: now)).id)
        }
        return ids
    }

    static func get(_ client: any TestClientProtocol, _ fixture: F, _ uri: String, as caller: F.Caller? = .partner42) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: fixture.headers(caller))
    }

    static func resources(_ bundle: [String: Any], _ type: String, mode: String? = nil) -> [[String: Any]] {
        (bundle["entry"] as? [[String: Any]] ?? []).filter { entry in
            mode.map { ((entry["search"] as? [String: Any])?["mode"] as? String) == $0 } ?? true
        }.compactMap { $0["resource"] as? [String: Any] }.filter { $0["resourceType"] as? String == type }
    }

    static func taskIDs(_ bundle: [String: Any]) -> [String] {
        resources(bundle, "Task", mode: "match").compactMap { $0["id"] as? String }
    }

    /// The `next` link as a path the test client can ask for.
    static func nextPath(_ bundle: [String: Any]) -> String? {
        guard let url = (bundle["link"] as? [[String: Any]])?.first(where: { $0["relation"] as? String == "next" })?["url"] as? String,
              let range = url.range(of: "/fhir/") else { return nil }
        return String(url[range.lowerBound...])
    }

    static func issue(_ response: TestResponse) throws -> [String: Any] {
        let outcome = try F.json(response)
        #expect(outcome["resourceType"] as? String == "OperationOutcome")
        #expect(response.headers[.contentType] == "application/fhir+json")
        return try #require((outcome["issue"] as? [[String: Any]])?.first)
    }

    @Test func aSearchIsASearchsetOfThePartnersTasksWithTheirServiceRequests() async throws {
        let fixture = try await F.make()
        let ours = try await Self.refer(fixture, count: 3)
        let theirs = try await Self.refer(fixture, to: "ORG-7")
        let draft = try await Self.refer(fixture, draft: true)
        try await fixture.test { client in
            let response = try await Self.get(client, fixture, "/fhir/Task?owner=Organization/ORG-42&status=requested")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/fhir+json")
            let bundle = try F.json(response)
            #expect(bundle["resourceType"] as? String == "Bundle")
            #expect(bundle["type"] as? String == "searchset")
            #expect(bundle["total"] as? Int == 3)
            #expect(Set(Self.taskIDs(bundle)) == Set(ours))
            let listed = Set(Self.resources(bundle, "Task").compactMap { $0["id"] as? String })
            #expect(listed.isDisjoint(with: theirs + draft), "another organization's referral and a draft are never listed")
            let requests = Self.resources(bundle, "ServiceRequest", mode: "include")
            #expect(Set(requests.compactMap { $0["id"] as? String }) == Set(ours))
            for task in Self.resources(bundle, "Task") {
                let id = try #require(task["id"] as? String)
                #expect((task["focus"] as? [String: Any])?["reference"] as? String == "ServiceRequest/\(id)")
                #expect(task["status"] as? String == "requested")
                #expect(((task["owner"] as? [String: Any])?["identifier"] as? [String: Any])?["value"] as? String == "ORG-42")
            }
            #expect(Self.resources(bundle, "Patient", mode: "include").count == 3)
            #expect(Self.resources(bundle, "Consent", mode: "include").count == 3)
            // Every full URL ends with its resource's id; the self link repeats the search.
            for entry in bundle["entry"] as? [[String: Any]] ?? [] {
                let resource = try #require(entry["resource"] as? [String: Any])
                let type = try #require(resource["resourceType"] as? String), id = try #require(resource["id"] as? String)
                #expect((entry["fullUrl"] as? String)?.hasSuffix("/fhir/\(type)/\(id)") == true)
            }
            let selfLink = (bundle["link"] as? [[String: Any]])?.first { $0["relation"] as? String == "self" }?["url"] as? String
            #expect(selfLink?.contains("owner=Organization/ORG-42&status=requested&_count=20&_offset=0") == true, "\(selfLink ?? "")")
        }
    }

    /// Whatever the page size and whether the store or the route applies the filter, following the
    /// `next` links yields every matching Task exactly once, no page holds more than `_count`, and
    /// `total` is given exactly when the first page holds everything.
    @Test func pagesFollowTheNextLinkUntilEveryTaskWasSeenOnce() async throws {
        let fixture = try await F.make()
        let ids = try await Self.refer(fixture, count: 7)
        let accepted = Set(ids.prefix(3))
        for (index, id) in accepted.enumerated() {
            let partner = StatusChangeRequest.PartnerMessage(partnerID: "p42", organizations: ["ORG-42"], messageID: "m-\(index)")
            _ = try await fixture.store.changeStatus(StatusChangeRequest(referralID: id, status: .accepted, party: .agency, partnerMessage: partner),
                                                     context: AuditContext(actor: "partner:p42"))
        }
        let searches: [(String, Set<String>)] = [("", Set(ids)), ("&status=accepted", accepted), ("&status=requested,accepted", Set(ids)),
                                                 ("&status=requested&_lastUpdated=ge2000-01-01", Set(ids).subtracting(accepted))]
        try await fixture.test { client in
            for (filter, expected) in searches {
                for count in 1...8 {
                    var seen: [String] = []
                    var pages = 0
                    var path: String? = "/fhir/Task?_count=\(count)\(filter)"
                    while let next = path, pages <= expected.count + 1 {
                        let bundle = try F.json(try await Self.get(client, fixture, next))
                        #expect(Self.taskIDs(bundle).count <= count)
                        seen += Self.taskIDs(bundle)
                        path = Self.nextPath(bundle)
                        #expect((bundle["total"] as? Int) == (pages == 0 && path == nil ? expected.count : nil), "\(filter) _count=\(count)")
                        pages += 1
                    }
                    #expect(path == nil, "paging ends: \(filter) _count=\(count)")
                    #expect(seen.count == expected.count && Set(seen) == expected, "\(filter) _count=\(count): every Task once")
                }
            }
            let whole = try F.json(try await Self.get(client, fixture, "/fhir/Task?_count=7"))
            #expect(whole["total"] as? Int == 7)
        }
    }

    @Test func statusListsAndLastUpdatedNarrowTheSearch() async throws {
        let fixture = try await F.make()
        let ids = try await Self.refer(fixture, count: 3)
        let partner = StatusChangeRequest.PartnerMessage(partnerID: "p42", organizations: ["ORG-42"], messageID: "m-1")
        _ = try await fixture.store.changeStatus(StatusChangeRequest(referralID: ids[0], status: .accepted, party: .agency, partnerMessage: partner),
                                                 context: AuditContext(actor: "partner:p42"))
        let yesterday = Date().addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
        let tomorrow = Date().addingTimeInterval(86_400).formatted(.iso8601.year().month().day())
        let cases: [(String, Set<String>)] = [
            ("status=accepted", [ids[0]]),
            ("status=requested", [ids[1], ids[2]]),
            ("status=requested,accepted", Set(ids)),
            ("status=completed,rejected", []),
            ("_lastUpdated=ge\(yesterday)", Set(ids)),
            ("_lastUpdated=gt\(tomorrow)", []),
            ("_id=\(ids[1])", [ids[1]]),
            ("_id=\(ids[1])&status=accepted", []),
            ("owner=ORG-42&_include=Task:focus", Set(ids)),
        ]
        try await fixture.test { client in
            for (query, expected) in cases {
                let response = try await Self.get(client, fixture, "/fhir/Task?\(query)")
                #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                let bundle = try F.json(response)
                #expect(Set(Self.taskIDs(bundle)) == expected, "\(query)")
                #expect(bundle["total"] as? Int == expected.count, "\(query)")
            }
        }
    }

    /// Another organization's referral and a draft: never readable, and answered exactly as an id that
    /// never existed; a search for another organization finds nothing.
    @Test func outsideThePartnersScopeNothingIsFound() async throws {
        let fixture = try await F.make()
        let theirs = try await Self.refer(fixture, to: "ORG-7")[0]
        let draft = try await Self.refer(fixture, draft: true)[0]
        try await fixture.test { client in
            for uri in ["/fhir/Task/\(theirs)", "/fhir/ServiceRequest/\(theirs)", "/fhir/Task/\(draft)", "/fhir/ServiceRequest/\(draft)",
                        "/fhir/Task/ref-000000000000000000000000", "/fhir/Task/\(String(repeating: "x", count: 65))"] {
                let response = try await Self.get(client, fixture, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try Self.issue(response)["code"] as? String == "not-found", "\(uri)")
            }
            for query in ["owner=Organization/ORG-7", "_id=\(theirs)", "_id=\(draft)"] {
                let bundle = try F.json(try await Self.get(client, fixture, "/fhir/Task?\(query)"))
                #expect(Self.taskIDs(bundle).isEmpty, "\(query)")
                #expect(bundle["total"] as? Int == 0, "\(query)")
            }
            let trail = try await fixture.store.audit.records(after: 0, limit: 10_000).map(\.event)
            #expect(trail.contains { $0.actor == "partner-p42" && $0.entityID == theirs && $0.outcome == .denied }, "the refused read is audited")
            #expect(!trail.contains { $0.actor == "partner-p42" && $0.entity == "person" }, "no person was read")
        }
    }

    @Test func onlyAPartnersTokenPulls() async throws {
        let fixture = try await F.make()
        let id = try await Self.refer(fixture)[0]
        try await fixture.test { client in
            for caller in [F.Caller.caseworkerA, .supervisorA, .admin] {
                for uri in ["/fhir/Task", "/fhir/Task/\(id)", "/fhir/ServiceRequest/\(id)"] {
                    let response = try await Self.get(client, fixture, uri, as: caller)
                    #expect(response.status == .forbidden, "\(caller) \(uri)")
                    #expect(try Self.issue(response)["code"] as? String == "forbidden")
                }
            }
            for header in [nil, "Bearer trt_not-a-real-token", "Bearer " + String(repeating: "a", count: 5_000)] as [String?] {
                var fields: HTTPFields = [:]
                if let header { fields[.authorization] = header }
                let response = try await client.execute(uri: "/fhir/Task/\(id)", method: .get, headers: fields)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] != nil)
                #expect(try Self.issue(response)["code"] as? String == "login")
            }
        }
    }

    @Test(arguments: [
        ("_count=0", "_count"), ("_count=-1", "_count"), ("_count=100000000000000000000", "_count"), ("_count=ten", "_count"),
        ("_count=101", "_count"), ("_count=", "_count"), ("_offset=-5", "_offset"), ("_offset=99999999999999999999999", "_offset"),
        ("status=bogus", "status"), ("status=draft", "status"), ("status=requested,", "status"), ("_lastUpdated=le2026-12-01", "_lastUpdated"),
        ("_lastUpdated=geyesterday", "_lastUpdated"), ("owner=Patient/P-1", "owner"), ("_include=Task:owner", "_include"),
        ("subject=Patient/1", "subject"),
    ])
    func aBadParameterIsRefusedByName(_ query: String, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await Self.get(client, fixture, "/fhir/Task?\(query)")
            #expect(response.status == .badRequest, "\(query): \(String(buffer: response.body))")
            let issue = try Self.issue(response)
            #expect(issue["code"] as? String == "invalid")
            #expect(issue["expression"] as? [String] == [field], "\(query)")
        }
    }

    /// For any `_count` a client might send — numbers of every size and sign, decimals, words, percent
    /// escapes — the answer is a page when it is a whole number from 1 to 100 and otherwise `400`
    /// naming `_count`: never a trap, never another status. Seeded, so a failure names its value.
    @Test func anyCountIsAPageOrRefusedByName() async throws {
        let fixture = try await F.make()
        _ = try await Self.refer(fixture, count: 2)
        var rng = SplitMix64(seed: 17)
        var values = ["1", "100", "0", "-0", "+5", "007", "1.0", "1e2", " 5", "5 ", "%35", "9223372036854775807", "-9223372036854775808",
                      "18446744073709551616", String(repeating: "9", count: 300), "0x10", "٣", "NaN"]
        for _ in 0..<120 {
            switch rng.int(below: 4) {
            case 0: values.append(String(Int64(bitPattern: rng.next())))
            case 1: values.append(String(rng.int(below: 240) - 20))
            case 2: values.append(String(rng.next()) + String(rng.next()))
            default: values.append(String((0..<(1 + rng.int(below: 6))).map { _ in Array("0123456789-+.eE,x ")[rng.int(below: 18)] }))
            }
        }
        let cases = values
        try await fixture.test { client in
            for value in cases {
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                let response = try await Self.get(client, fixture, "/fhir/Task?_count=\(encoded)")
                let decoded = value.trimmingCharacters(in: .whitespaces)
                if let number = Int(decoded), (1...100).contains(number) {
                    #expect(response.status == .ok, "_count=\(value)")
                    #expect(Self.taskIDs(try F.json(response)).count == min(number, 2), "_count=\(value)")
                } else {
                    #expect(response.status == .badRequest, "_count=\(value)")
                    #expect(try Self.issue(response)["expression"] as? [String] == ["_count"], "_count=\(value)")
                }
            }
        }
    }

    @Test func aHugeQueryStringIsRefusedWhole() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await Self.get(client, fixture, "/fhir/Task?status=" + Array(repeating: "requested", count: 400).joined(separator: ","))
            #expect(response.status == .uriTooLong)
            #expect(try Self.issue(response)["code"] as? String == "too-long")
        }
    }

    /// What the pull discloses is what the consent allows, category by category, as in the push.
    @Test func theConsentsCategoriesHoldInThePull() async throws {
        let fixture = try await F.make()
        let needsOnly = try await Self.refer(fixture, categories: [.needs])[0]
        let everything = try await Self.refer(fixture, categories: [.contact, .demographics, .needs, .circumstances, .clinicalNotes])[0]
        try await fixture.test { client in
            let narrow = try F.json(try await Self.get(client, fixture, "/fhir/Task?_id=\(needsOnly)"))
            let patient = try #require(Self.resources(narrow, "Patient").first)
            #expect(Set(patient.keys) == ["resourceType", "id", "identifier"], "no name, telecom, gender or address without their categories")
            let request = try #require(Self.resources(narrow, "ServiceRequest").first)
            let notes = (request["note"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(notes.contains { $0.hasPrefix("Needs: ") })
            #expect(!notes.contains { $0.hasPrefix("Circumstances") || $0.hasPrefix("Case worker's note") })

            let wide = try F.json(try await Self.get(client, fixture, "/fhir/Task?_id=\(everything)"))
            let full = try #require(Self.resources(wide, "Patient").first)
            #expect((full["name"] as? [[String: Any]])?.first?["text"] as? String == DeliveryFixtures.profile.person.name)
            #expect(full["gender"] as? String == "female")
            let fullNotes = (Self.resources(wide, "ServiceRequest").first?["note"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(fullNotes.contains("Case worker's note: Prefers morning calls"))
            #expect(fullNotes.contains { $0.hasPrefix("Circumstances: ") })

            // Each read is a disclosure, audited with the categories that went out, beside the person read.
            let trail = try await fixture.store.audit.records(after: 0, limit: 10_000).map(\.event)
            let disclosures = trail.filter { $0.actor == "partner-p42" && $0.action == .execute && $0.entityID == needsOnly }
            #expect(disclosures.map(\.detail) == ["disclosure to p42; pulled as FHIR; disclosed needs"])
            #expect(trail.contains { $0.actor == "partner-p42" && $0.entity == "person" && $0.detail == "for \(needsOnly)" })
        }
    }

    /// 42 CFR Part 2: a substance-use service's name and the person's substance use leave only under
    /// the `substance_use` category, then labelled and with the redisclosure notice, as in the push.
    @Test(arguments: [false, true])
    func substanceUseLeavesOnlyUnderPart2Consent(_ part2: Bool) async throws {
        let fixture = try await F.make()
        let service = Service(id: "svc-sandhill", name: "Sandhill Withdrawal Management", organizationID: "ORG-42", organizationName: "Sandhill Health",
                              taxonomyCodes: ["RX-1700"], categories: [NeedCategory(.clinical, NeedCategory.substanceUseDetail)],
                              provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "svc-sandhill", line: 1))
        _ = try await fixture.store.storeDirectory([service], files: ["sandhill.json"], source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "admin-1", purpose: "operations"))
        let categories: Set<Consent.Category> = part2 ? [.contact, .needs, .circumstances, .substanceUse] : [.contact, .needs, .circumstances]
        let id = try await Self.refer(fixture, categories: categories, service: "svc-sandhill")[0]
        try await fixture.test { client in
            let search = try await Self.get(client, fixture, "/fhir/Task?_id=\(id)")
            let text = String(buffer: search.body).lowercased()
            let bundle = try F.json(search)
            let request = try #require(Self.resources(bundle, "ServiceRequest").first)
            let labels = Set(((request["meta"] as? [String: Any])?["security"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
            let bundleLabels = Set(((bundle["meta"] as? [String: Any])?["security"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
            let read = String(buffer: try await Self.get(client, fixture, "/fhir/ServiceRequest/\(id)").body).lowercased()
            if part2 {
                #expect(labels == ["R", "42CFRPart2", "NORDSCLCD"])
                #expect(bundleLabels == labels)
                #expect(text.contains("withdrawal management") && read.contains("withdrawal management"))
                #expect(read.contains("prohibit you from making any other use or disclosure of this record"))
            } else {
                #expect(labels.isEmpty && bundleLabels.isEmpty)
                #expect((request["code"] as? [String: Any])?["text"] as? String == "Clinical care")
                for marker in ["withdrawal management", "substance", "42cfrpart2", "redisclosure"] {
                    #expect(!text.contains(marker) && !read.contains(marker), "\(marker)")
                }
            }
        }
    }

    /// A consent revoked after the partner took the referral, or expired since: the disclosure code
    /// allows nothing at all then, so the referral is withheld from the pull (and the withholding audited).
    @Test(arguments: ["revoked", "expired"])
    func aReferralWhoseConsentIsNoLongerInForceIsWithheld(_ why: String) async throws {
        let fixture = try await F.make()
        let id: String
        if why == "expired" {
            // Made five days ago under a consent that ran out yesterday.
            let then = Date().addingTimeInterval(-5 * 86_400)
            id = try await Self.refer(fixture, expiresAt: Date().addingTimeInterval(-86_400), at: then)[0]
        } else {
            id = try await Self.refer(fixture)[0]
            let partner = StatusChangeRequest.PartnerMessage(partnerID: "p42", organizations: ["ORG-42"], messageID: "m-1")
            _ = try await fixture.store.changeStatus(StatusChangeRequest(referralID: id, status: .accepted, party: .agency, partnerMessage: partner),
                                                     context: AuditContext(actor: "partner:p42"))
            let revocation = try await fixture.store.revokeConsent(referralID: id, context: AuditContext(actor: "cw-a"))
            #expect(revocation.cancelled.isEmpty, "an accepted referral stays with the agency")
        }
        let other = try await Self.refer(fixture)[0]
        try await fixture.test { client in
            let bundle = try F.json(try await Self.get(client, fixture, "/fhir/Task"))
            #expect(Self.taskIDs(bundle) == [other])
            for uri in ["/fhir/Task/\(id)", "/fhir/ServiceRequest/\(id)"] {
                #expect(try await Self.get(client, fixture, uri).status == .notFound, "\(uri)")
            }
            let trail = try await fixture.store.audit.records(after: 0, limit: 10_000).map(\.event)
            #expect(trail.contains { $0.entityID == id && $0.outcome == .denied && $0.detail == "withheld from p42 (FHIR pull): its consent is not in force" })
            #expect(!trail.contains { $0.actor == "partner-p42" && $0.entity == "person" && $0.detail == "for \(id)" }, "the person was not read")
        }
    }

    /// A Task read from the pull goes back with `PUT /fhir/Task/{id}` and a new status, with the partner's
    /// token or signed, and the next read shows it.
    @Test(arguments: [false, true])
    func aPulledTaskIsAnsweredByPuttingItBack(_ signed: Bool) async throws {
        let fixture = try await F.make()
        let id = try await Self.refer(fixture)[0]
        try await fixture.test { client in
            let read = try await Self.get(client, fixture, "/fhir/Task/\(id)")
            #expect(read.headers[.eTag] == "W/\"1\"")
            var task = try F.json(read)
            task["status"] = "rejected"
            task["statusReason"] = ["text": "no beds until March"]
            let body = try JSONSerialization.data(withJSONObject: task)
            var headers: HTTPFields = [.contentType: "application/fhir+json"]
            if signed {
                for (name, value) in StandardWebhooks.headers(id: "msg-\(id)", timestamp: Date(), body: body,
                                                              secrets: [try WebhookSecret(DeliveryFixtures.secret)]) {
                    headers[HTTPField.Name(name)!] = value
                }
            } else {
                headers = fixture.headers(.partner42)
                headers[HTTPField.Name("Idempotency-Key")!] = "answer-\(id)"
            }
            let put = try await client.execute(uri: "/fhir/Task/\(id)", method: .put, headers: headers, body: ByteBuffer(data: body))
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            #expect(try F.json(put)["status"] as? String == "rejected")

            let again = try F.json(try await Self.get(client, fixture, "/fhir/Task/\(id)"))
            #expect(again["status"] as? String == "rejected")
            #expect((again["statusReason"] as? [String: Any])?["text"] as? String == "no beds until March")
            #expect((again["meta"] as? [String: Any])?["versionId"] as? String == "2")
            let listed = try F.json(try await Self.get(client, fixture, "/fhir/Task?status=rejected"))
            #expect((Self.resources(listed, "Task").first?["statusReason"] as? [String: Any])?["text"] as? String == "no beds until March")
        }
    }

    /// With a token, `PUT /fhir/Task/{id}` answers only within the partner's scope: another organization's
    /// referral and a draft are not found, and nothing changes.
    @Test func aTokensPutOutsideItsScopeIsNotFound() async throws {
        let fixture = try await F.make()
        let theirs = try await Self.refer(fixture, to: "ORG-7")[0]
        let draft = try await Self.refer(fixture, draft: true)[0]
        try await fixture.test { client in
            for id in [theirs, draft] {
                let body = ByteBuffer(string: #"{"resourceType": "Task", "status": "accepted"}"#)
                let put = try await client.execute(uri: "/fhir/Task/\(id)", method: .put, headers: fixture.headers(.partner42), body: body)
                #expect(put.status == .notFound, "\(String(buffer: put.body))")
                let read = try F.json(try await client.execute(uri: "/v1/referrals/\(id)", method: .get, headers: fixture.headers(.admin)))
                #expect(read["version"] as? Int == 1, "nothing changed")
            }
            let caseworker = try await client.execute(uri: "/fhir/Task/\(theirs)", method: .put, headers: fixture.headers(.caseworkerA),
                                                      body: ByteBuffer(string: #"{"resourceType": "Task", "status": "accepted"}"#))
            #expect(caseworker.status == .forbidden)
        }
    }

    /// The served resources claim Gravity's SDOHCC profiles; each holds what those profiles require
    /// (from the IG's FSH), and every payload is valid FHIR R4 to fhir.resources, an independent validator.
    @Test func theServedResourcesHoldWhatTheirProfilesRequireAndAreValidFHIR() async throws {
        let fixture = try await F.make()
        let ids = try await Self.refer(fixture, count: 2)
        _ = try await Self.refer(fixture, categories: [.needs])
        _ = try await Self.refer(fixture, categories: [.contact, .demographics, .needs, .circumstances, .clinicalNotes, .substanceUse])
        let partner = StatusChangeRequest.PartnerMessage(partnerID: "p42", organizations: ["ORG-42"], messageID: "m-1")
        _ = try await fixture.store.changeStatus(StatusChangeRequest(referralID: ids[0], status: .rejected, party: .agency, reason: "full",
                                                                     partnerMessage: partner), context: AuditContext(actor: "partner:p42"))
        try await fixture.test { client in
            var lines: [Data] = []
            let search = try await Self.get(client, fixture, "/fhir/Task?_count=3")
            lines.append(Data(buffer: search.body))
            let bundle = try F.json(search)
            let next = try #require(Self.nextPath(bundle))
            lines.append(Data(buffer: try await Self.get(client, fixture, next).body))
            lines.append(Data(buffer: try await Self.get(client, fixture, "/fhir/Task/\(ids[0])").body))
            lines.append(Data(buffer: try await Self.get(client, fixture, "/fhir/ServiceRequest/\(ids[1])").body))
            lines.append(Data(buffer: try await Self.get(client, fixture, "/fhir/Task/nothing-here").body))

            for task in Self.resources(bundle, "Task") {
                #expect((task["meta"] as? [String: Any])?["profile"] as? [String] == [FHIRReferralBundle.taskProfile])
                #expect(task["intent"] as? String == "order")
                #expect(((task["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "fulfill")
                #expect(((task["focus"] as? [String: Any])?["reference"] as? String)?.hasPrefix("ServiceRequest/") == true)
                #expect(((task["for"] as? [String: Any])?["reference"] as? String)?.hasPrefix("Patient/") == true)
                #expect(task["authoredOn"] is String)
                #expect((task["requester"] as? [String: Any])?["type"] as? String == "PractitionerRole")
                #expect(!["ready", "received"].contains(task["status"] as? String ?? "ready"))
                if task["status"] as? String == "rejected" { #expect((task["statusReason"] as? [String: Any])?["text"] as? String == "full") }
            }
            let sdohCategories = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
            for request in Self.resources(bundle, "ServiceRequest") {
                #expect(((request["meta"] as? [String: Any])?["profile"] as? [String])?.contains(FHIRReferralBundle.serviceRequestProfile) == true)
                let codings = (request["code"] as? [String: Any])?["coding"] as? [[String: Any]] ?? []
                #expect(codings.contains { $0["system"] as? String == "http://snomed.info/sct" && $0["code"] as? String == "3457005" })
                let categories = (request["category"] as? [[String: Any]] ?? []).flatMap { $0["coding"] as? [[String: Any]] ?? [] }
                #expect(!categories.isEmpty && categories.allSatisfy { $0["system"] as? String == sdohCategories })
                #expect(((request["subject"] as? [String: Any])?["reference"] as? String)?.hasPrefix("Patient/") == true)
                #expect(request["specimen"] == nil && request["bodySite"] == nil)
            }

            let path = try DeliveryFixtures.temporaryFile(Data(lines.map { $0 + Data("\n".utf8) }.joined()), suffix: ".jsonl")
            let result = try DeliveryFixtures.validate("validate_fhir.py", [path])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.split(separator: "\n").last == "valid \(lines.count)", "\(result.output)")
        }
    }
}
