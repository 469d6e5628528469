import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisStore

/// Every stored hash covers an event's canonical bytes, so they may never change: the direct writer
/// and the arithmetic timestamps are checked against what `JSONEncoder` and Foundation's ISO 8601
/// formatter gave when the chain was first written, on random events and hard texts.
@Suite struct AuditCanonicalFormTests {
    /// The canonical form as first written (`JSONEncoder`, sorted keys, unescaped slashes, times by
    /// Foundation's formatter): the reference the direct writer must match byte for byte.
    static func reference(_ event: AuditEvent) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(referenceTimestamp(date))
        }
        return try encoder.encode(event)
    }

    static func referenceTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    static let texts = [
        "", "system", "partner:org-1", "status requested→accepted", "a/b \"q\" \\ \t\n\r", String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
        "Café · 中文 · العربية", "👩🏽‍⚕️", "e\u{301}", "\u{2028}\u{2029}\u{7F}\u{FEFF}", "2001:db8::1", "entity_id",
    ]

    static func event(seed: UInt64) -> AuditEvent {
        var random = SplitMix64(seed: seed)
        func text() -> String { texts[random.int(below: texts.count)] + String(random.int(below: 1_000)) }
        func maybe() -> String? { random.int(below: 3) == 0 ? nil : text() }
        // 1900 to 2200, to the microsecond: both sides of 1970 and of the fast path's range.
        let at = Date(timeIntervalSince1970: random.unit(-2_208_988_800, 7_258_118_400).rounded(.down) + Double(random.int(below: 1_000_000)) / 1e6)
        let actions: [AuditEvent.Action] = [.create, .read, .update, .delete, .execute]
        let outcomes: [AuditEvent.Outcome] = [.success, .failure, .denied]
        return AuditEvent(sequence: Int64(random.int(below: Int.max)), at: at, actor: text(), action: actions[random.int(below: 5)],
                          entity: text(), entityID: text(), outcome: outcomes[random.int(below: 3)],
                          purpose: maybe(), sourceAddress: maybe(), detail: maybe())
    }

    @Test func randomEventsAreTheBytesFirstWritten() async {
        await propertyCheck(count: 500, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let event = Self.event(seed: seed)
            #expect(AuditCanonicalForm.bytes(of: event) == (try? Self.reference(event)), "seed \(seed)")
        }
    }

    @Test func timestampsAreTheTextsFoundationWrote() async {
        // 1970 to 2400 by arithmetic, and 1600 to 1970 and past 9999 through the formatter.
        await propertyCheck(count: 500, input: Gen.int(in: -11_676_096_000_000...13_569_465_600_000)) { milliseconds in
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(AuditCanonicalForm.timestamp(date) == Self.referenceTimestamp(date))
        }
        for milliseconds: Int64 in [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1] {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(AuditCanonicalForm.timestamp(date) == Self.referenceTimestamp(date), "\(milliseconds)")
        }
    }

    /// What the store accepts as a stored `at`: exactly the canonical text of some time, as the
    /// formatter's parse-and-rewrite decided it.
    static func referenceAccepts(_ text: String) -> Bool {
        guard let time = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else { return false }
        return referenceTimestamp(time) == text
    }

    @Test(arguments: [
        "2026-11-18T11:06:55.373Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "2000-02-29T12:00:00.000Z",
        "2026-02-29T12:00:00.000Z", "1900-02-29T12:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-13-01T00:00:00.000Z",
        "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z", "2026-01-01T24:00:00.000Z", "2026-01-01T23:60:00.000Z",
        "2026-01-01T23:59:60.000Z", "2026-01-01T00:00:00.00Z", "2026-01-01T00:00:00.0000Z", "2026-01-01T00:00:00Z",
        "2026-01-01t00:00:00.000Z", "2026-01-01T00:00:00.000z", "2026-01-01T00:00:00.000+00:00", "2026-1-01T00:00:00.000Z",
        "2026-01-01T00:00:00.000Z ", " 2026-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z",
        "202A-01-01T00:00:00.000Z", "2026-01-01T00:00:00,000Z", "２026-01-01T00:00:00.000Z", "",
    ])
    func storedTimesAreAcceptedExactlyWhenTheFormatterAcceptedThem(text: String) {
        let accepted = AuditCanonicalForm.time(exactly: text)
        #expect((accepted != nil) == Self.referenceAccepts(text))
        if let accepted { #expect(Self.referenceTimestamp(accepted) == text) }
    }

    @Test func everyCanonicalTimeReadsBackToItself() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...253_402_300_799_999)) { milliseconds in
            let text = AuditCanonicalForm.timestamp(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(UTCTimestamp.milliseconds(exactly: text) == Int64(milliseconds))
        }
    }
}
