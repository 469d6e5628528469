extension StringProtocol {
    /// The text without leading and trailing white space, newlines included.
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }

    /// Nil for text that is empty once trimmed.
    public var nonBlank: String? {
        let t = trimmingWhitespace()
        return t.isEmpty ? nil : t
    }
}
