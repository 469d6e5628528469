import Testing
import TrellisCore

/// One county, one name: however a directory writes a county, it reads as the same value.
@Suite struct CountyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var raw: String
        var state: String?
        var name: String?
        var expectedState: String?
        var testDescription: String { "\"\(raw)\"" + (state.map { " in \($0)" } ?? "") }
    }

    static let cases: [Case] = [
        Case(raw: "Douglas", name: "Douglas"),
        Case(raw: "douglas", name: "Douglas"),
        Case(raw: "DOUGLAS COUNTY", name: "Douglas"),
        Case(raw: "  Douglas   County ", name: "Douglas"),
        Case(raw: "Douglas Co.", name: "Douglas"),
        Case(raw: "Douglas County, NE", name: "Douglas", expectedState: "NE"),
        Case(raw: "Douglas, Nebraska", name: "Douglas", expectedState: "NE"),
        Case(raw: "Douglas, ne", name: "Douglas", expectedState: "NE"),
        Case(raw: "Douglas", state: "ne", name: "Douglas", expectedState: "NE"),
        Case(raw: "Douglas", state: "Nebraska", name: "Douglas", expectedState: "NE"),
        Case(raw: "Douglas, NE", state: "IA", name: "Douglas", expectedState: "NE"),
        Case(raw: "Saint Louis County", state: "MO", name: "Saint Louis", expectedState: "MO"),
        Case(raw: "East Baton Rouge Parish", state: "LA", name: "East Baton Rouge", expectedState: "LA"),
        Case(raw: "Douglas", state: "Narnia", name: "Douglas"),
        Case(raw: "", name: nil),
        Case(raw: "   ", name: nil),
        Case(raw: "County", name: nil),
    ]

    @Test(arguments: cases)
    func reads(_ c: Case) {
        let county = County(c.raw, state: c.state)
        #expect(county?.name == c.name)
        if c.name != nil { #expect(county?.state == c.expectedState) }
    }

    @Test func theIssuesSpellingsAreOneCounty() throws {
        let spellings = ["Douglas County, NE", "douglas", "Douglas, Nebraska", "DOUGLAS", "Douglas, NE"]
        let counties = try spellings.map { try #require(County($0)) }
        for a in counties { for b in counties { #expect(a.isSame(as: b), "\(a) and \(b)") } }
        #expect(Set(counties.filter { $0.state != nil }).count == 1)
    }

    @Test func aStateTellsCountiesOfOneNameApart() throws {
        let nebraska = try #require(County("Douglas", state: "NE"))
        let oregon = try #require(County("Douglas County, Oregon"))
        #expect(!nebraska.isSame(as: oregon))
        #expect(nebraska.description == "Douglas, NE")
        #expect(try #require(County("douglas")).description == "Douglas")
    }
}
