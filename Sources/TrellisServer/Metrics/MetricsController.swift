import Foundation
public import Hummingbird
public import TrellisStore

/// `GET /metrics`: Prometheus text, to an administrator's token on the service's port, or to anyone
/// on the separate `--metrics-port`, which listens on loopback only. The request figures come from this process; referrals by status,
/// the outbox and delivery attempts are counted by the database at each scrape, so every server
/// sharing it agrees. Counts only, never a person's data.
public struct MetricsController: Sendable {
    /// The counts; referrals and partners only for the administrator check.
    let store: any MonitoringRepository & ReferralRepository & PartnerRepository
    let auditLog: any AuditLog

    public init(store: any MonitoringRepository & ReferralRepository & PartnerRepository, auditLog: any AuditLog) {
        self.store = store
        self.auditLog = auditLog
    }

    /// `GET /metrics` on the service's own port: for an administrator's token only (the counts tell
    /// an outsider how busy each agency is). Anyone else is answered 401 or 403.
    public func addRoutes(to router: Router<TrellisRequestContext>, behind authentication: BearerAuthentication) {
        let access = AccessControl(store: store, auditLog: auditLog)
        router.group("/metrics").add(middleware: authentication).get { _, context in
            _ = try await access.require(AccessControl.administrators, context, to: "read the metrics")
            return try await exposition()
        }
    }

    /// `GET /metrics` with no sign-in, for the separate metrics port that listens on loopback only.
    public func addOpenRoutes(to router: Router<TrellisRequestContext>) {
        router.get("/metrics") { _, _ in try await exposition() }
    }

    func exposition() async throws -> Response {
        var text = ServerMetrics.registry.emitToString()
        let counts = try await store.operationalCounts()
        text += Self.family("trellis_referrals", "gauge", "Referrals by current status.", label: "status", counts.referralsByStatus)
        text += Self.family("trellis_outbox", "gauge", "Outbox rows by delivery state.", label: "state", counts.outboxByState)
        text += "# HELP trellis_outbox_depth Referrals waiting to go out (pending or held by a worker).\n# TYPE trellis_outbox_depth gauge\n"
        text += "trellis_outbox_depth \(counts.outboxDepth)\n"
        text += Self.family("trellis_delivery_attempts_total", "counter", "Delivery attempts by outcome.", label: "outcome", counts.attemptsByOutcome)
        let failures = (counts.attemptsByOutcome["failed"] ?? 0) + (counts.attemptsByOutcome["undeliverable"] ?? 0) + (counts.attemptsByOutcome["retry"] ?? 0)
        text += "# HELP trellis_delivery_failures_total Delivery attempts that did not deliver.\n# TYPE trellis_delivery_failures_total counter\n"
        text += "trellis_delivery_failures_total \(failures)\n"
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func family(_ name: String, _ type: String, _ help: String, label: String, _ values: [String: Int]) -> String {
        var text = "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { text += "\(name){\(label)=\"\(key)\"} \(value)\n" }
        return text
    }
}
