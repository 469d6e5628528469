extension Duration {
    /// The duration in milliseconds, for delivery records and libcurl's `_MS` settings.
    var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
