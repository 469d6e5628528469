import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// Files built to hurt a parser must be refused fast, in bounded memory, reading nothing outside.
@Suite struct HostileInputTests {
    @Test(arguments: ["xxe.xml", "xxe-parameter.xml", "billion-laughs.xml", "quadratic-blowup.xml"])
    func entityAndDTDAttacksAreRefused(name: String) {
        let (report, sink) = Fixture.read(name)
        guard case .hostile(let message)? = report.fatal else {
            Issue.record("expected a hostile-input refusal, got \(String(describing: report.fatal))")
            return
        }
        #expect(message.contains("DTD"))
        #expect(sink.services.isEmpty)
        #expect(!sink.services.contains { $0.name.contains("root:") })
    }

    /// The prolog check only reads the first 8 KB; a DTD after a long comment meets the reader's own check.
    @Test func aDTDPastTheFirstKilobytesIsStillRefused() throws {
        let padding = "<!-- " + String(repeating: "padding ", count: 2_000) + " -->\n"
        let path = try Fixture.temporary("""
        <?xml version="1.0"?>
        \(padding)<!DOCTYPE Source [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <Source SourceEntity="x"><Agency><Key>1</Key><Name>&xxe;</Name></Agency></Source>
        """)
        let (report, sink) = Fixture.readPath(path)
        guard case .hostile? = report.fatal else {
            Issue.record("expected a refusal, got \(String(describing: report.fatal))")
            return
        }
        #expect(sink.organizations.allSatisfy { !$0.name.contains("root") })
    }

    /// The refusal names the DTD's line whatever the line ends (CRLF, or CR alone as in the official AIRS 3.0 instance).
    @Test(arguments: ["\n", "\r\n", "\r"])
    func aDTDIsRefusedAtItsLineWhateverTheLineEnds(newline: String) throws {
        let xml = ["<?xml version=\"1.0\"?>", "<!-- a comment -->", "<!DOCTYPE Source [<!ENTITY e \"x\">]>",
                   "<Source SourceEntity=\"x\"/>"].joined(separator: newline)
        let (report, _) = Fixture.readPath(try Fixture.temporary(xml))
        guard case .hostile(let message)? = report.fatal else {
            Issue.record("expected a refusal, got \(String(describing: report.fatal))")
            return
        }
        #expect(message.hasPrefix("line 3: "), "\(message)")
    }

    @Test func deepNestingHitsLibxml2sLimit() throws {
        let depth = 5_000
        let xml = "<Source SourceEntity=\"deep\">" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</Source>"
        let (report, _) = Fixture.readPath(try Fixture.temporary(xml))
        guard case .hostile(let message)? = report.fatal else {
            Issue.record("expected a refusal, got \(String(describing: report.fatal))")
            return
        }
        #expect(message.contains("depth"))
    }

    @Test func agenciesNestedPastOurLimitAreSkippedNotFollowed() throws {
        let depth = AIRSReader.maximumAgencyDepth + 5
        var xml = "<Source SourceEntity=\"nest\">"
        for i in 0..<depth { xml += "<Agency><Key>A\(i)</Key><Name>Agency \(i)</Name>" }
        xml += String(repeating: "</Agency>", count: depth) + "</Source>"
        let (report, sink) = Fixture.readPath(try Fixture.temporary(xml))
        #expect(report.fatal == nil)
        #expect(sink.organizations.count == AIRSReader.maximumAgencyDepth)
        #expect(report.rejected.count == 1)
        #expect(report.rejected.first?.message.contains("nested deeper") == true)
    }

    @Test func deepJSONIsRefused() throws {
        let json = "[" + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "]"
        let (report, _) = Fixture.readPath(try Fixture.temporary(json, suffix: ".json"))
        #expect(report.fatal != nil || !report.rejected.isEmpty)
        #expect(report.services == 0)
    }

    @Test(arguments: [
        ("wrong-root.xml", "not an AIRS <Source>"),
        ("junk.bin", "neither XML nor JSON"),
        ("empty.xml", "empty"),
        ("hsds-not-hsds.json", "no HSDS service"),
    ])
    func filesThatAreNotDirectoriesAreRefusedWhole(name: String, reason: String) {
        let report = Fixture.read(name).report
        #expect(report.fatal != nil)
        #expect(report.fatal?.description.contains(reason) == true, "\(String(describing: report.fatal))")
    }

    @Test func aMissingFileIsUnreadable() {
        let report = Fixture.readPath("/nonexistent/directory.xml").report
        #expect(report.fatal == .unreadable("cannot open the file (missing or not readable)"))
    }

    @Test func xmlThatIsBrokenAtTheRootIsMalformed() throws {
        let report = Fixture.readPath(try Fixture.temporary("<Source SourceEntity=\"x\"><Agency><Key>1</Key></Agenc")).report
        #expect(report.fatal != nil)
    }
}
