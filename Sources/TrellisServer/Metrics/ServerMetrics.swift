import CoreMetrics
public import Prometheus

/// The process's metrics, in Prometheus form: requests and latency by route (Hummingbird's
/// `MetricsMiddleware`), matches ranked, and what the store counts at each scrape.
public enum ServerMetrics {
    /// One registry per process, made the swift-metrics backend on first use (a backend can be
    /// chosen once per process).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(renamed[name] ?? name), labels.map { (prometheusName($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static let matches: CoreMetrics.Counter = {
        _ = registry
        return CoreMetrics.Counter(label: "trellis_matches_total")
    }()

    /// Hummingbird's labels, in Prometheus's naming conventions.
    static let renamed = [
        "hb.requests": "http_server_requests_total",
        "hb.request.errors": "http_server_request_errors_total",
        "http.server.request.duration": "http_server_request_duration_seconds",
    ]

    /// Letters, digits and underscores only.
    static func prometheusName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }
}
