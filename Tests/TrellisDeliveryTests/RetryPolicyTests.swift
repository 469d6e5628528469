import Foundation
import PropertyBased
import Testing
import TrellisTestSupport
import TrellisCore
import TrellisDelivery

@Suite struct RetryPolicyTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [(1, 5.0), (2, 30), (3, 120), (4, 600), (5, 1_800), (6, 3_600), (7, 3_600), (40, 3_600)])
    func theScheduleStepsUpThenStaysHourly(attempts: Int, ceiling: Double) {
        #expect(RetryPolicy.standard.ceiling(afterAttempt: attempts) == ceiling)
    }

    /// Full jitter: any delay from zero to the step's ceiling, never more.
    @Test func delaysStayWithinTheirCeiling() async {
        await propertyCheck(input: Gen.int(in: 1...30), Gen.int(in: 0...1_000_000)) { attempts, seed in
            var random = SplitMix64(seed: UInt64(seed))
            let delay = RetryPolicy.standard.delay(afterAttempt: attempts, firstAttemptAt: start, now: start, retryAfter: nil, random: &random)
            #expect(delay != nil)
            #expect((0...RetryPolicy.standard.ceiling(afterAttempt: attempts)).contains(delay ?? -1))
        }
    }

    @Test func jitterSpreadsRetriesApart() {
        var random = SplitMix64(seed: 7)
        let delays = (0..<100).compactMap { _ in
            RetryPolicy.standard.delay(afterAttempt: 3, firstAttemptAt: start, now: start, retryAfter: nil, random: &random)
        }
        #expect(Set(delays.map { Int($0) }).count > 50)
    }

    @Test func aPartnersRetryAfterIsTheLeastDelay() {
        var random = SplitMix64(seed: 1)
        let delay = RetryPolicy.standard.delay(afterAttempt: 1, firstAttemptAt: start, now: start, retryAfter: 90, random: &random)
        #expect(delay == 90)
    }

    @Test func afterSeventyTwoHoursItGivesUp() {
        var random = SplitMix64(seed: 1)
        let late = start.addingTimeInterval(72 * 3_600 - 1)
        #expect(RetryPolicy.standard.delay(afterAttempt: 80, firstAttemptAt: start, now: late.addingTimeInterval(-3_600), retryAfter: nil, random: &random) != nil)
        #expect(RetryPolicy.standard.delay(afterAttempt: 80, firstAttemptAt: start, now: late.addingTimeInterval(3_600), retryAfter: nil, random: &random) == nil)
    }

    @Test func aScaleShrinksEveryDelayForDrills() {
        let drill = RetryPolicy(steps: RetryPolicy.standard.steps, giveUpAfter: RetryPolicy.standard.giveUpAfter, scale: 0.001)
        #expect(drill.ceiling(afterAttempt: 1) == 0.005)
        #expect(drill.ceiling(afterAttempt: 9) == 3.6)
        var random = SplitMix64(seed: 3)
        #expect(drill.delay(afterAttempt: 1, firstAttemptAt: start, now: start, retryAfter: 120, random: &random) == 0.12)
    }

    @Test(arguments: [("120", 120.0), (" 5 ", 5), ("Wed, 15 Jan 2027 08:00:30 GMT", 30), ("soon", nil), ("", nil), ("-3", nil),
                      // Not delay-seconds: the worker's own backoff applies instead of a pause without end.
                      ("inf", nil), ("nan", nil), ("1e9", nil), ("+5", nil), ("5.5", nil),
                      // More than a day (a number or a date far ahead) is a day.
                      ("99999999999999999999999", RetryPolicy.longestRetryAfter), ("Fri, 15 Jan 2100 08:00:00 GMT", RetryPolicy.longestRetryAfter)])
    func retryAfterReadsSecondsAndHTTPDates(header: String, seconds: Double?) throws {
        let now = try Date("2027-01-15T08:00:00Z", strategy: .iso8601)
        #expect(RetryPolicy.retryAfter(header, now: now) == seconds)
    }
}

@Suite struct CircuitBreakerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func itOpensAfterTheThresholdAndOnlyForThatPartner() {
        let breaker = CircuitBreaker(threshold: 3, coolDown: 60)
        for i in 1...3 {
            #expect(breaker.permit("slow", now: now) == nil)
            #expect(breaker.failed("slow", now: now) == (i == 3))
        }
        #expect(breaker.permit("slow", now: now.addingTimeInterval(30)) == now.addingTimeInterval(60))
        #expect(breaker.permit("other", now: now) == nil)
    }

    @Test func afterTheCoolDownOneTrialDecides() {
        let breaker = CircuitBreaker(threshold: 1, coolDown: 60)
        breaker.failed("p", now: now)
        let later = now.addingTimeInterval(61)
        #expect(breaker.permit("p", now: later) == nil)
        #expect(breaker.state("p") == .trial)
        #expect(breaker.permit("p", now: later) != nil, "only one trial at a time")
        breaker.failed("p", now: later)
        #expect(breaker.state("p") == .open(until: later.addingTimeInterval(60)))
        #expect(breaker.permit("p", now: later.addingTimeInterval(61)) == nil)
        breaker.succeeded("p")
        #expect(breaker.state("p") == .closed)
        #expect(breaker.permit("p", now: later.addingTimeInterval(62)) == nil)
    }

    @Test func aSuccessResetsTheCount() {
        let breaker = CircuitBreaker(threshold: 2, coolDown: 60)
        breaker.failed("p", now: now)
        breaker.succeeded("p")
        #expect(!breaker.failed("p", now: now))
        #expect(breaker.state("p") == .closed)
    }
}

@Suite struct DeliveryVerdictTests {
    static func response(_ status: Int, _ headers: [String: String] = [:]) -> IncomingResponse {
        IncomingResponse(status: status, headers: headers, body: Data(), duration: .milliseconds(3))
    }

    @Test(arguments: [
        (200, DeliveryVerdict.delivered), (201, .delivered), (202, .delivered), (204, .delivered),
        (408, .retry(retryAfter: nil)), (429, .retry(retryAfter: nil)), (500, .retry(retryAfter: nil)), (502, .retry(retryAfter: nil)),
        (503, .retry(retryAfter: nil)), (410, .gone), (400, .permanent), (401, .permanent), (403, .permanent), (404, .permanent),
        (409, .permanent), (422, .permanent), (301, .permanent), (302, .permanent),
    ])
    func statusCodesMeanWhatTheContractSays(status: Int, verdict: DeliveryVerdict) {
        #expect(DeliveryVerdict.of(Self.response(status), now: Date()) == verdict)
    }

    @Test func retryAfterComesWithTheVerdict() {
        #expect(DeliveryVerdict.of(Self.response(429, ["retry-after": "30"]), now: Date()) == .retry(retryAfter: 30))
        #expect(DeliveryVerdict.of(Self.response(503, ["retry-after": "7"]), now: Date()) == .retry(retryAfter: 7))
    }

    @Test(arguments: [(TransportError.Kind.connect, DeliveryVerdict.retry(retryAfter: nil)), (.timeout, .retry(retryAfter: nil)),
                      (.network, .retry(retryAfter: nil)), (.tls, .retry(retryAfter: nil)), (.refused, .permanent)])
    func transportErrorsRetryUnlessRefused(kind: TransportError.Kind, verdict: DeliveryVerdict) {
        #expect(DeliveryVerdict.of(TransportError(kind, "x")) == verdict)
    }
}
