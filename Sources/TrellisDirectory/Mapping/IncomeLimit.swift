/// Reads an income limit stated in words: "Household income at or below $2,500 per month",
/// "less than $30,000 a year". Percent-of-poverty limits are left as text: they need the household
/// size and the year's guideline, which a directory does not carry.
enum IncomeLimit {
    /// The monthly limit, or nil when the text states none we can read.
    static func monthly(from text: String) -> Double? {
        let lower = text.lowercased()
        guard !lower.containsBytes("%"), !lower.containsBytes("percent"), !lower.containsBytes("poverty") else { return nil }
        guard let dollar = lower.firstIndex(of: "$") else { return nil }
        var digits = ""
        var index = lower.index(after: dollar)
        while index < lower.endIndex, lower[index].isNumber || lower[index] == "," || lower[index] == "." {
            if lower[index] != "," { digits.append(lower[index]) }
            index = lower.index(after: index)
        }
        guard let amount = Double(digits.hasSuffix(".") ? String(digits.dropLast()) : digits), amount > 0 else { return nil }
        let tail = lower[index...]
        if tail.containsBytes("year") || tail.containsBytes("annual") || tail.containsBytes("/yr") { return (amount / 12).rounded() }
        if tail.containsBytes("month") || tail.containsBytes("/mo") { return amount }
        if tail.containsBytes("week") { return (amount * 52 / 12).rounded() }
        return nil
    }
}
