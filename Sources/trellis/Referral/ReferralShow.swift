import ArgumentParser
import Foundation
import TrellisCore
import TrellisStore

struct ReferralShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one referral with its history and delivery state.")

    @Argument(help: ArgumentHelp("The referral's id.", valueName: "referral-id"))
    var referralID: String

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Who is reading (default: cli:$USER).", valueName: "user"))
    var by: String?

    @Flag(help: "Print JSON, with `history` and `delivery`.")
    var json = false

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "coordination")
        let (referral, delivery) = try await store.withStore { store in
            (try await store.referral(id: referralID, context: context), try await store.outboxEntry(referralID: referralID))
        }
        try ReferralOutput.print(referral, delivery: delivery, json: json, now: context.now)
    }
}

struct ReferralList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List referrals, newest first.")

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Only referrals with this status.", valueName: "status"))
    var status: ReferralStatus?

    @Option(help: ArgumentHelp("Only referrals to this organization.", valueName: "organization-id"))
    var organization: String?

    @Flag(help: "Only referrals still waiting for an answer past their deadline.")
    var overdue = false

    @Option(help: "At most this many.")
    var limit = 100

    @Option(help: "Skip this many first.")
    var offset = 0

    @Option(help: ArgumentHelp("Who is reading (default: cli:$USER).", valueName: "user"))
    var by: String?

    @Flag(help: "Print JSON: {\"referrals\": [...], \"count\": n}.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
        guard offset >= 0 else { throw ValidationError("--offset cannot be negative") }
    }

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "coordination")
        let filter = ReferralFilter(status: status, organizationID: organization, overdueAt: overdue ? context.now : nil,
                                    limit: limit, offset: offset)
        let list = try await store.withStore { try await $0.referrals(filter, context: context) }
        if json {
            let documents = list.map { ReferralOutput.Document(referral: $0, delivery: nil, now: context.now) }
            Swift.print(try ReferralOutput.encode(ReferralOutput.List(referrals: documents, count: documents.count)))
        } else {
            for referral in list { Swift.print(ReferralOutput.line(referral, now: context.now)) }
            Swift.print("\(list.count) referral\(list.count == 1 ? "" : "s")")
        }
    }
}

struct ConsentRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke the consent given for a referral.",
        discussion: """
        Nothing more is sent under it. A referral not yet delivered is cancelled (reason: consent revoked); one \
        already delivered stays, and the partner is expected to stop using the data: a partner that received it at \
        its endpoint is sent a signed consent.revoked message (JSON, or the FHIR Consent with status inactive) by \
        the delivery worker; an inbox stops showing the person's details.
        """)

    @Argument(help: ArgumentHelp("The referral's id.", valueName: "referral-id"))
    var referralID: String

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Who records the revocation (default: cli:$USER).", valueName: "user"))
    var by: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "treatment")
        let revocation = try await store.withStore { try await $0.revokeConsent(referralID: referralID, context: context) }
        if json {
            Swift.print(try ReferralOutput.encode(revocation))
        } else {
            Swift.print("consent \(revocation.consentID) for \(revocation.referralID) revoked")
            for id in revocation.cancelled { Swift.print("cancelled \(id): not yet delivered") }
            if revocation.alreadyDelivered { Swift.print("\(revocation.referralID) was already delivered; nothing more will be sent") }
            for id in revocation.partnerMessages { Swift.print("the partner is told: consent.revoked queued as \(id)") }
        }
    }
}

struct ConsentSweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Handle the consents whose expiry date has passed, now (trellis serve does this every minute).",
        discussion: "Each expired consent is handled once, as a revocation with reason \"expired\".")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = AuditContext(actor: "system:consent-expiry", purpose: "operations")
        let handled = try await store.withStore { try await $0.sweepExpiredConsents(context: context) }
        if json {
            Swift.print(try ReferralOutput.encode(handled))
        } else {
            Swift.print("\(handled.count) expired consents handled")
            for revocation in handled {
                Swift.print("\(revocation.referralID): consent \(revocation.consentID) expired"
                            + (revocation.cancelled.isEmpty ? "" : "; cancelled (not yet delivered)")
                            + (revocation.partnerMessages.isEmpty ? "" : "; the partner is told"))
            }
        }
    }
}
