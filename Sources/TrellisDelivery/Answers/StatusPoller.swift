public import Foundation
public import Logging
public import ServiceLifecycle
import TrellisCore
public import TrellisStore

/// Asks partners that cannot call back how their referrals stand: a GET of each open referral's Task
/// at `{endpoint}/{referral id}` on a schedule, applied through the same lifecycle rules as a callback.
public final class StatusPoller: ServiceLifecycle.Service, Sendable {
    /// Open referrals and their outbox rows; partners' answers through `PartnerAnswers`.
    let store: any ReferralRepository & PartnerRepository
    let partners: PartnerBook
    let client: CurlClient
    let interval: TimeInterval
    let transport: TransportSettings
    let logger: Logger
    let environment: [String: String]

    public init(store: any ReferralRepository & PartnerRepository, partners: PartnerBook, client: CurlClient, interval: TimeInterval = 300,
                transport: TransportSettings = TransportSettings(), logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.partners = partners
        self.client = client
        self.interval = interval
        self.transport = transport
        self.logger = logger
        self.environment = environment
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = try? await pollOnce()
            await DeliveryWorker.pause(interval)
        }
    }

    /// One pass over every polled partner's open, delivered referrals; returns how many changed.
    public func pollOnce(now: @Sendable () -> Date = Date.init) async throws -> Int {
        let context = AuditContext(actor: "system:poller", purpose: "coordination", now: now())
        let answers = PartnerAnswers(store: store)
        var changed = 0
        for partner in partners.partners where partner.statusMode == .poll {
            for organization in partner.organizations {
                for status in [ReferralStatus.requested, .accepted, .inProgress, .onHold] {
                    let open = try await store.referrals(ReferralFilter(status: status, organizationID: organization, limit: 1_000), context: context)
                    for referral in open where try await store.outboxEntry(referralID: referral.id)?.state == .delivered {
                        if try await poll(referral, partner: partner, answers: answers, now: now()) { changed += 1 }
                    }
                }
            }
        }
        return changed
    }

    func poll(_ referral: Referral, partner: Partner, answers: PartnerAnswers, now: Date) async throws -> Bool {
        var headers: [(name: String, value: String)] = [("Accept", "application/fhir+json, application/json"), ("User-Agent", "Trellis/1")]
        if let token = try? PartnerRequest.bearerToken(of: partner, environment: environment) { headers.append(("Authorization", "Bearer \(token)")) }
        guard let url = partner.endpoint?.appendingPathComponent(referral.id) else { return false }
        let response: IncomingResponse
        do {
            response = try await client.send(OutgoingRequest(method: .get, url: url, headers: headers),
                                             settings: PartnerRequest.transport(for: partner, base: transport), connectionKey: partner.id)
        } catch {
            logger.warning("status poll failed", metadata: ["partner.id": "\(partner.id)", "referral.id": "\(referral.id)", "error": "\(error)"])
            return false
        }
        guard (200..<300).contains(response.status) else {
            logger.warning("status poll refused", metadata: ["partner.id": "\(partner.id)", "referral.id": "\(referral.id)",
                                                              "http.status": "\(response.status)"])
            return false
        }
        let update: StatusUpdate
        do { update = try StatusUpdate.fhirTask(response.body, referralID: referral.id) } catch {
            logger.warning("status poll answer unreadable", metadata: ["partner.id": "\(partner.id)", "referral.id": "\(referral.id)", "error": "\(error)"])
            return false
        }
        guard update.status != referral.status else { return false }
        do {
            _ = try await answers.apply(update, from: partner, messageID: nil, source: .poll, sourceAddress: nil, now: now)
            return true
        } catch {
            logger.warning("polled status refused", metadata: ["partner.id": "\(partner.id)", "referral.id": "\(referral.id)", "error": "\(error)"])
            return false
        }
    }
}
