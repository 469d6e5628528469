import Testing
@testable import TrellisMatching

/// Distances as reasons show them; no distance, however large or odd, may trap.
@Suite struct DistanceTextTests {
    @Test(arguments: [(3.44, "3.4"), (0.04, "0.0"), (12.6, "13"), (19_999.7, "20000"), (1e19, "1e+19"), (Double.infinity, "unknown"),
                      (Double.nan, "unknown")])
    func distancesReadWell(_ km: Double, _ text: String) {
        #expect(ScoreCard.formatKm(km) == text)
    }
}
