import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// libxml2 reads a file in blocks; a character reference, an entity, a CDATA section or a
/// multi-byte UTF-8 character may be cut by a block's end. The same agency is written behind
/// padding of every length across the first block boundaries, so each construct falls on every
/// offset, and must always read the same; each file is also read as a DOM (AIRSDocumentReference),
/// which must agree with the streaming read.
@Suite struct AIRSReadBoundaryTests {
    static let serviceName = "Caf&#233; &#x1F600; &amp; &lt;Pe&#xF1;a&gt; ñ€😀 Peña"
    static let expectedName = "Café 😀 & <Peña> ñ€😀 Peña"
    static let description = "<![CDATA[Rent help ]] & café <b>now</b>]]> then &#233;t&#xE9; ü"

    static func document(padding: Int) -> String {
        let head = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<Source SourceEntity="Boundary">"# + "\n"
        // A comment of `padding` bytes (at least `<!---->`), plus a fixed filler, before the agency.
        let filler = "<!--" + String(repeating: "x", count: 3_900 + padding) + "-->\n"
        return head + filler + """
        <Agency><Key>A1</Key><Name>Agency \(serviceName)</Name>
        <Site><Key>S1</Key><Name>Site é</Name>
        <SiteService><Key>K1</Key><Name>\(serviceName)</Name><Description>\(description)</Description>
        <Taxonomy><Code>BH-1800</Code></Taxonomy></SiteService></Site></Agency>
        </Source>

        """
    }

    @Test func everyOffsetAcrossTheFirstBlocksReadsTheSame() throws {
        let expectedDescription = DescriptionText.clean("Rent help ]] & café <b>now</b> then été ü").text
        for padding in 0..<600 {
            let text = Self.document(padding: padding)
            let path = try Fixture.temporary(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (report, sink) = Fixture.readPath(path)
            #expect(report.fatal == nil && report.rejected.isEmpty, "padding \(padding): \(String(describing: report.fatal)) \(report.rejected)")
            #expect(sink.services.map(\.name) == [Self.expectedName], "padding \(padding)")
            #expect(sink.services.first?.description == expectedDescription, "padding \(padding)")
            #expect(sink.organizations.map(\.name) == ["Agency " + Self.expectedName], "padding \(padding)")
            let bytes = Array(text.utf8)
            let tree = try #require(bytes.withUnsafeBufferPointer { AIRSDocumentReference.read($0, path: path, taxonomy: Fixture.taxonomy) })
            #expect(tree.services == sink.services, "padding \(padding): the DOM read differs")
            #expect(tree.organizations == sink.organizations, "padding \(padding): the DOM read differs")
        }
    }

    /// The fixtures and the official instances read the same streamed as in one DOM.
    @Test(arguments: ["airs30-latin1.xml", "airs31-namespaced.xml", "airs30-valid.xml", "airs-nested-agencies.xml",
                      "airs-icarol-quirks.xml", "airs-rejects.xml", "official/airs/airs-3.0_instance.xml",
                      "official/airs/airs-3.1beta_instance_minimal.xml", "official/airs/airs-3.1beta_instance_maximal.xml"])
    func theStreamingReadIsTheDOMRead(name: String) throws {
        let (report, sink) = Fixture.read(name)
        #expect(report.fatal == nil)
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path(name)))
        let tree = try #require(Array(data).withUnsafeBufferPointer { AIRSDocumentReference.read($0, path: Fixture.path(name), taxonomy: Fixture.taxonomy) })
        #expect(!tree.services.isEmpty)
        #expect(tree.services == sink.services)
        #expect(tree.organizations == sink.organizations)
    }
}
