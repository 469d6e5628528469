extension StringProtocol {
    /// The text without leading and trailing white space, newlines included.
    public func trimmingWhitespace() -> String {
        // Most text has nothing to trim: decide on the first and last bytes, without grapheme work.
        let whole = String(self)  // free for a String
        guard let head = whole.utf8.first, let tail = whole.utf8.last else { return "" }
        if head > 0x20 && head < 0x80 && tail > 0x20 && tail < 0x80 { return whole }
        guard let start = firstIndex(where: { !$0.isWhitespace }),
              let end = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }

    /// Nil for text that is empty once trimmed.
    public var nonBlank: String? {
        let t = trimmingWhitespace()
        return t.isEmpty ? nil : t
    }
}
