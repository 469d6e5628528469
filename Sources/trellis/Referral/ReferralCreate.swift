import ArgumentParser
import Foundation
import TrellisCore
import TrellisStore

struct ReferralCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Refer a person to a service, under the consent they gave.",
        discussion: """
        Stores the person (name and contact details sealed with the data key), the needs profile, the consent \
        and the referral, with its outbox row for delivery, in one transaction. The service must be in the \
        stored directory (`trellis directory import FILE --db URL`), and the consent must name the service's \
        organization and be in force. Exit status 1 when the consent does not cover the referral, 2 when a file \
        or the service cannot be found.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The needs profile (JSON); person.name, person.phone and person.email travel only under consent.", valueName: "file"))
    var profile: String

    @Option(help: ArgumentHelp("The service's id in the stored directory.", valueName: "service-id"))
    var service: String

    @Option(help: ArgumentHelp("The consent (JSON: recipient, categories, method, captured_by, captured_at, expires_at).", valueName: "file"))
    var consent: String

    @Option(help: ArgumentHelp("Who is referring (a user id; default: cli:$USER).", valueName: "user"))
    var by: String?

    @Option(help: ArgumentHelp("A note for the agency (sealed at rest).", valueName: "text"))
    var note: String?

    @Flag(help: "Keep it as a draft instead of sending it.")
    var draft = false

    @Flag(help: "Print the referral as JSON.")
    var json = false

    func run() async throws {
        let needs: NeedsProfile
        let given: Consent
        do {
            needs = try ProfileFile.read(profile)
            given = try JSONFile.read(Consent.self, from: consent, what: "consent")
        } catch let failure as CommandFailure {
            Terminal.error("trellis: \(failure)")
            throw ExitCode.unreadable
        }
        var request = NewReferral(profile: needs, serviceID: service, consent: given, draft: draft, note: note, source: .cli)
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "treatment")
        let referral = try await store.withStore { store in
            // A known user's referrals belong to their organization, as they would through the API.
            request.referrerOrganizationID = try await store.user(id: context.actor)?.organizationID
            return try await store.createReferral(request, context: context)
        }
        try ReferralOutput.print(referral, json: json, now: context.now)
    }
}
