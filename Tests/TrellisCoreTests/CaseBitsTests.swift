import Testing
import TrellisCore

@Suite struct CaseBitsTests {
    /// Each case's ordinal is its place in `allCases`: the written-out switch and the declaration
    /// must not drift apart when a case is added.
    @Test func ordinalsArePlacesInAllCases() {
        #expect(NeedDomain.allCases.map(\.ordinal) == Array(NeedDomain.allCases.indices))
        #expect(AccessibilityFeature.allCases.map(\.ordinal) == Array(AccessibilityFeature.allCases.indices))
    }

    @Test func sortingFollowsDeclarationOrder() {
        #expect(NeedDomain.allCases.reversed().sorted() == NeedDomain.allCases)
        #expect(AccessibilityFeature.allCases.shuffled().sorted() == AccessibilityFeature.allCases)
    }

    /// Every subset of the domains, as bits and as a `Set`, holds the same cases.
    @Test func bitsHoldWhatASetHolds() {
        let all = NeedDomain.allCases
        for mask in 0..<(1 << all.count) {
            let members = all.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            let bits = CaseBits(members)
            #expect(bits.isEmpty == members.isEmpty)
            for domain in all { #expect(bits.contains(domain) == members.contains(domain)) }
            let without = bits.subtracting(CaseBits([.housing, .faith]))
            for domain in all { #expect(without.contains(domain) == (members.contains(domain) && domain != .housing && domain != .faith)) }
        }
    }
}
