extension String {
    /// Fills the `{city}` and `{county}` of an agency name pattern.
    func replacingSlots(city: String, county: String) -> String {
        guard contains("{") else { return self }
        var out = ""
        var rest = Substring(self)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "city": out += city
            case "county": out += county
            default: out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
