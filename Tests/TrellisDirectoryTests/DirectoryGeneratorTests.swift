import Foundation
import Testing
@testable import TrellisDirectory
@testable import TrellisFixtures

@Suite("DirectoryGenerator")
struct DirectoryGeneratorTests {
    static func text(_ format: DirectoryGenerator.Format, services: Int, seed: UInt64 = 1) -> String {
        var text = ""
        DirectoryGenerator(services: services, seed: seed).generate(format) { text += $0 }
        return text
    }

    /// Byte offsets where `needle` starts in `bytes`: a simple scan, fast on megabytes.
    static func offsets(of needle: String, in bytes: [UInt8], from start: Int = 0) -> [Int] {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return [] }
        var result: [Int] = []
        bytes.withUnsafeBufferPointer { haystack in
            var i = start
            let last = haystack.count - pattern.count
            while i <= last {
                if haystack[i] == first {
                    var k = 1
                    while k < pattern.count && haystack[i + k] == pattern[k] { k += 1 }
                    if k == pattern.count {
                        result.append(i)
                        i += pattern.count
                        continue
                    }
                }
                i += 1
            }
        }
        return result
    }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        offsets(of: needle, in: Array(text.utf8)).count
    }

    static func count(_ needle: String, in bytes: [UInt8]) -> Int {
        offsets(of: needle, in: bytes).count
    }

    /// Each SiteService element's text, from its start tag to its end tag.
    static func siteServices(_ xml: String) -> [String] {
        let bytes = Array(xml.utf8)
        let starts = offsets(of: "<SiteService", in: bytes)
        let ends = offsets(of: "</SiteService>", in: bytes)
        return zip(starts, ends).map { String(decoding: bytes[$0..<$1], as: UTF8.self) }
    }

    /// The text of each `<name>...</name>` element (name without attributes) in `text`.
    static func elements(_ name: String, in text: String) -> [String] {
        let bytes = Array(text.utf8)
        let open = "<" + name + ">"
        return offsets(of: open, in: bytes).map { start in
            let from = start + open.utf8.count
            let to = bytes[from...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
            return String(decoding: bytes[from..<to], as: UTF8.self)
        }
    }

    static func services(_ json: String) throws -> [[String: Any]] {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
        return try #require(parsed as? [[String: Any]])
    }

    // MARK: Determinism and chunks

    @Test("same seed gives the same bytes, another seed other bytes", arguments: DirectoryGenerator.Format.allCases)
    func determinism(format: DirectoryGenerator.Format) {
        let a = Self.text(format, services: 150, seed: 7)
        let b = Self.text(format, services: 150, seed: 7)
        let c = Self.text(format, services: 150, seed: 8)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("output arrives in chunks of about 64 KB")
    func chunks() {
        var sizes: [Int] = []
        DirectoryGenerator(services: 200).generate(.airs) { sizes.append($0.utf8.count) }
        #expect(sizes.count > 2)
        #expect(sizes.dropLast().allSatisfy { $0 >= 64 * 1024 && $0 < 96 * 1024 })
    }

    @Test("an error thrown by the sink stops generation")
    func sinkErrorPropagates() {
        struct Stop: Error {}
        var calls = 0
        do {
            try DirectoryGenerator(services: 500).generate(.hsds) { _ in
                calls += 1
                throw Stop()
            }
            Issue.record("the sink's error was not thrown")
        } catch is Stop {
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(calls == 1)
    }

    // MARK: Counts

    @Test("AIRS holds the requested number of SiteServices, with unique keys", arguments: [0, 1, 7, 250])
    func airsCount(services: Int) {
        let xml = Self.text(.airs, services: services)
        #expect(Self.count("<SiteService>", in: xml) + Self.count("<SiteService ", in: xml) == services)
        let keys = Self.siteServices(xml).compactMap { Self.elements("Key", in: $0).first }
        #expect(keys.count == services)
        #expect(Set(keys).count == services)
    }

    @Test("HSDS holds the requested number of services, one per line", arguments: [0, 1, 7, 250])
    func hsdsCount(services: Int) throws {
        let json = Self.text(.hsds, services: services)
        let lines = json.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("{\"id\":") }.count == services)
        #expect(try Self.services(json).count == services)
    }

    // MARK: Well-formed

    @Test("AIRS output is well-formed XML (xmllint)")
    func airsWellFormed() throws {
        let xml = Self.text(.airs, services: 300, seed: 3)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "-"]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(xml.utf8))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: message, as: UTF8.self))")
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Source SourceEntity=\"Trellis Synthetic Directory seed 3\""))
    }

    @Test("HSDS output parses as a JSON array of services with id, name and nested organization")
    func hsdsParses() throws {
        let services = try Self.services(Self.text(.hsds, services: 300, seed: 3))
        #expect(services.count == 300)
        for service in services {
            #expect(service["id"] is String)
            #expect(service["name"] is String)
            #expect(service["organization"] is [String: Any])
        }
    }

    // MARK: Content

    @Test("descriptions average 2 to 6 KB per service")
    func descriptionSize() {
        let services = 400
        let xml = Self.text(.airs, services: services)
        let perService = xml.utf8.count / services
        #expect((2 * 1024...6 * 1024).contains(perService), "AIRS bytes per service: \(perService)")
        let descriptions = Self.siteServices(xml).compactMap { Self.elements("Description", in: $0).first }
        #expect(descriptions.count == services)
        let average = descriptions.reduce(0) { $0 + $1.utf8.count } / services
        #expect((2_000...6_000).contains(average), "average Description: \(average) bytes")
    }

    @Test("AIRS quirks appear at the documented rates")
    func airsQuirkRates() {
        let n = 4_000
        let xml = Self.text(.airs, services: n, seed: 11)
        let blocks = Self.siteServices(xml)
        #expect(blocks.count == n)
        func share(_ predicate: (String) -> Bool) -> Double {
            Double(blocks.filter(predicate).count) / Double(n)
        }
        typealias Rates = DirectoryGenerator.Rates
        let checks: [(String, Double, Double)] = [
            ("double-escaped HTML", share { $0.contains("&amp;lt;b&amp;gt;") }, Rates.doubleEscapedHTML),
            ("empty PhoneNumber", share { $0.contains("<PhoneNumber />") }, Rates.emptyPhoneNumber),
            ("facet string code", share { $0.contains("<Code>{what:") }, Rates.facetCode),
            ("AKA inside SiteService", share { $0.contains("<AKA>") }, Rates.iCarolExtras),
            ("joined language names", share { $0.contains("<Name>English, ") }, Rates.joinedLanguages),
            ("inactive", share { $0.hasPrefix("<SiteService Status=\"inactive\"") }, Rates.inactive),
            ("not available for referral", share { $0.contains("AvailableForReferral=\"false\"") }, Rates.notAvailableForReferral),
            ("income limit", share { $0.contains("<IncomeRequirements>") }, Rates.incomeLimit),
        ]
        for (name, observed, documented) in checks {
            #expect(observed >= documented * 0.5 && observed <= documented * 1.8, "\(name): \(observed) vs \(documented)")
        }
        let ages = share { $0.contains("<AgeRequirements") }
        #expect(abs(ages - Rates.ageRequirement) < 0.05, "age requirements: \(ages)")

        // Broken records: a SiteService with no Taxonomy, rare but present.
        let broken = blocks.filter { !$0.contains("<Taxonomy>") }.count
        #expect((1...Int(Double(n) * Rates.broken * 4)).contains(broken), "SiteServices without Taxonomy: \(broken)")

        // Sites: Datum "lat, lon", Latitude 100, upper-case County.
        let bytes = Array(xml.utf8)
        let sites = Self.count("<SpatialLocation>", in: bytes)
        let latitude100 = Double(Self.count("<Latitude>100</Latitude>", in: bytes)) / Double(sites)
        #expect(latitude100 > 0 && latitude100 < Rates.latitude100 * 2.5, "Latitude 100: \(latitude100)")
        var datum = 0
        for digit in ["<Datum>1", "<Datum>2", "<Datum>3", "<Datum>4"] { datum += Self.count(digit, in: bytes) }
        let datumShare = Double(datum) / Double(sites)
        #expect(datumShare > 0 && datumShare < Rates.datumCoordinates * 2.5, "Datum lat, lon: \(datumShare)")
        let counties = Self.elements("County", in: xml)
        let upperShare = Double(counties.filter { $0 == $0.uppercased() }.count) / Double(counties.count)
        #expect(abs(upperShare - Rates.upperCaseCounty) < 0.08, "upper-case County: \(upperShare)")
    }

    @Test("HSDS quirks appear at the documented rates")
    func hsdsQuirkRates() throws {
        let n = 4_000
        let services = try Self.services(Self.text(.hsds, services: n, seed: 11))
        #expect(services.count == n)
        typealias Rates = DirectoryGenerator.Rates

        let withoutStatus = services.filter { $0["status"] == nil }.count
        #expect((1...Int(Double(n) * Rates.broken * 4)).contains(withoutStatus), "services without status: \(withoutStatus)")

        let inactive = Double(services.filter { $0["status"] as? String == "inactive" }.count) / Double(n)
        #expect(inactive >= Rates.inactive * 0.5 && inactive <= Rates.inactive * 1.8, "inactive: \(inactive)")

        func location(_ service: [String: Any]) -> [String: Any]? {
            (service["service_at_locations"] as? [[String: Any]])?.first?["location"] as? [String: Any]
        }
        let stringNumbers = Double(services.filter { location($0)?["latitude"] is String }.count) / Double(n)
        #expect(stringNumbers >= Rates.numbersAsStrings * 0.5 && stringNumbers <= Rates.numbersAsStrings * 1.8,
                "numbers as strings: \(stringNumbers)")

        let outOfRange = services.filter { service in
            guard let raw = location(service)?["latitude"] else { return false }
            let value = (raw as? Double) ?? (raw as? String).flatMap(Double.init) ?? 0
            return abs(value) > 90
        }.count
        #expect(outOfRange >= 1 && Double(outOfRange) / Double(n) < Rates.badLatitude * 3, "latitude out of range: \(outOfRange)")

        func codes(_ service: [String: Any]) -> [String] {
            (service["attributes"] as? [[String: Any]] ?? []).compactMap { ($0["taxonomy_term"] as? [String: Any])?["code"] as? String }
        }
        let housing = services.filter { codes($0).contains { $0.hasPrefix("BH-") || $0 == "RX-8500.8000" } }
        let withCapacity = Double(housing.filter { $0["capacities"] != nil }.count) / Double(housing.count)
        #expect(abs(withCapacity - Rates.capacityOfHousing) < 0.12, "housing with capacities: \(withCapacity)")
        let waitlist = Double(housing.filter { service in
            (service["capacities"] as? [[String: Any]] ?? []).contains { ($0["unit"] as? [String: Any])?["name"] as? String == "waitlist" }
        }.count) / Double(housing.count)
        #expect(abs(waitlist - Rates.waitlistOfHousing) < 0.05, "housing with a waitlist: \(waitlist)")

        let supported = services.filter { codes($0).contains("trellis:supported-employment") }
        let ips = Double(supported.filter { codes($0).contains("trellis:ips") }.count) / Double(supported.count)
        #expect(abs(ips - Rates.ipsOfSupportedEmployment) < 0.15, "IPS among supported employment: \(ips)")

        let spanish = Double(services.filter { service in
            (service["languages"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "es" }
        }.count) / Double(n)
        #expect(abs(spanish - 0.35) < 0.07, "Spanish: \(spanish)")

        let children = services.filter { ($0["organization"] as? [String: Any])?["parent_organization_id"] != nil }.count
        #expect(children > 0)
    }
}
