import Foundation
import PropertyBased
import Testing
@testable import TrellisStore

/// The rules of a token's last use: written once a minute at most; a session is idle once its limit
/// has passed since the stored last use.
@Suite struct TokenUseTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [(nil, true), (0.0, false), (59.999, false), (60.0, true), (3_600.0, true)] as [(TimeInterval?, Bool)])
    func theLastUseIsWrittenAgainAfterAMinute(_ sinceLastWrite: TimeInterval?, _ due: Bool) {
        let lastUsedAt = sinceLastWrite.map { Self.t0.addingTimeInterval(-$0) }
        #expect(TokenUse.isDue(lastUsedAt: lastUsedAt, now: Self.t0) == due)
    }

    @Test(arguments: [(nil, 86_400.0, false), (1_800.0, 1_799.999, false), (1_800.0, 1_800.0, true), (300.0, 301.0, true)] as [(TimeInterval?, TimeInterval, Bool)])
    func aSessionIsIdleOnceItsLimitHasPassed(_ limit: TimeInterval?, _ unused: TimeInterval, _ idle: Bool) {
        #expect(TokenUse.isIdle(since: Self.t0, idleLimit: limit, now: Self.t0.addingTimeInterval(unused)) == idle)
    }

    /// Used at least once a minute, a session never goes idle under any limit of five minutes or more,
    /// although only some of those uses are written.
    @Test func usedEveryMinuteASessionNeverGoesIdle() async {
        await propertyCheck(count: 200, input: Gen.int(in: 5...720), Gen.int(in: 1...60)) { minutes, gapSeconds in
            var written = Self.t0
            var now = Self.t0
            for _ in 0..<200 {
                now = now.addingTimeInterval(TimeInterval(gapSeconds))
                #expect(!TokenUse.isIdle(since: written, idleLimit: TimeInterval(minutes * 60), now: now))
                if TokenUse.isDue(lastUsedAt: written, now: now) { written = now }
            }
        }
    }
}
