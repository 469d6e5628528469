import Foundation
import PropertyBased
import Testing
import TrellisCore

/// The fast timestamp writes exactly what Foundation's ISO 8601 formatting writes, for any second
/// from 1970 to 2100, and drops fractions of a second the same way.
@Suite struct TimestampTests {
    @Test func writesWhatFoundationWrites() async {
        await propertyCheck(input: Gen.int(in: 0...4_102_444_800), Gen.int(in: 0...999)) { seconds, milliseconds in
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1_000)
            #expect(date.iso8601Seconds == date.formatted(.iso8601))
        }
    }

    @Test func knownMoments() {
        #expect(Date(timeIntervalSince1970: 0).iso8601Seconds == "1970-01-01T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 1_796_192_146.9).iso8601Seconds == "2026-12-02T06:15:46Z")
        #expect(Date(timeIntervalSince1970: 951_782_400).iso8601Seconds == "2000-02-29T00:00:00Z")
    }
}
