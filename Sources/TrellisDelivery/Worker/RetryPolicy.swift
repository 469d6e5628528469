public import Foundation
import TrellisCore

/// When to try a failed delivery again: exponential steps with full jitter (a random delay between
/// zero and the step), honouring a partner's Retry-After, and giving up after a total age.
public struct RetryPolicy: Hashable, Sendable {
    /// The ceiling of each retry's delay, in order; the last repeats.
    public var steps: [TimeInterval]
    /// How long after the first attempt Trellis keeps trying.
    public var giveUpAfter: TimeInterval
    /// Multiplies every delay (and the give-up age): below 1 for drills and tests.
    public var scale: Double

    public static let standard = RetryPolicy(steps: [5, 30, 120, 600, 1_800, 3_600], giveUpAfter: 72 * 3_600)

    public init(steps: [TimeInterval], giveUpAfter: TimeInterval, scale: Double = 1) {
        precondition(!steps.isEmpty, "a retry policy needs at least one step")
        self.steps = steps
        self.giveUpAfter = giveUpAfter
        self.scale = scale
    }

    /// The ceiling for the retry after `attempts` attempts (1 = after the first).
    public func ceiling(afterAttempt attempts: Int) -> TimeInterval {
        steps[min(max(attempts, 1), steps.count) - 1] * scale
    }

    /// The delay before the next attempt, or nil when the referral has been failing too long.
    public func delay(afterAttempt attempts: Int, firstAttemptAt: Date, now: Date, retryAfter: TimeInterval?,
                      random: inout some RandomNumberGenerator) -> TimeInterval? {
        let jittered = Double.random(in: 0...ceiling(afterAttempt: attempts), using: &random)
        // A partner that asks for a pause gets at least that pause (scaled like every delay).
        let delay = max(jittered, (retryAfter ?? 0) * scale)
        guard now.addingTimeInterval(delay).timeIntervalSince(firstAttemptAt) <= giveUpAfter * scale else { return nil }
        return delay
    }

    /// The longest pause a partner's Retry-After can ask for: a partner that asks for more (or for
    /// "forever") is tried again after a day, rather than making the referral give up.
    public static let longestRetryAfter: TimeInterval = 86_400

    /// A Retry-After header: delay-seconds (digits only, as RFC 9110 has it: not "inf", "1e9" or "-3"),
    /// or an HTTP date; at most `longestRetryAfter`.
    public static func retryAfter(_ header: String?, now: Date) -> TimeInterval? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if header.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return min(TimeInterval(header) ?? longestRetryAfter, longestRetryAfter)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), longestRetryAfter)
    }
}
