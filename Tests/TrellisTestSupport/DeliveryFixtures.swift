public import Foundation
public import TrellisCore
public import TrellisDelivery

/// A referral with every kind of the person's data filled in, so each consent category has
/// something to withhold.
public enum DeliveryFixtures {
    /// The fixtures' clock: consent captured at midnight UTC yesterday, everything else happening a day
    /// later. Relative to the day the tests run, so the year-long consent is in force on any date (a
    /// fixed calendar date would let it expire under the tests one day); fixed for the whole run.
    public static let capturedAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 - 86_400)
    public static let now = capturedAt.addingTimeInterval(86_400)
    public static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let service = Service(id: "svc-shelter", name: "Lantern House shelter", organizationID: "ORG-42", organizationName: "Lantern House",
                                 categories: [NeedCategory(.housing, "emergency_shelter")], languages: ["en"],
                                 provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "svc-shelter", line: 1))

    public static func partner(format: Partner.PayloadFormat = .fhirR4, endpoint: String = "http://127.0.0.1:9/referrals",
                        secrets: [String] = [secret]) -> Partner {
        Partner(id: "harbor-house", organizations: ["ORG-42"], endpoint: URL(string: endpoint)!, format: format, signingSecrets: secrets)
    }

    public static var profile: NeedsProfile {
        var person = NeedsProfile.Person(ref: "P-1042", age: 34, gender: .female, languages: ["es", "en"], county: "Douglas", state: "NE")
        person.name = "Maria Quintero-Vasquez"
        person.phone = "+1-402-555-0199"
        person.email = "maria.q@example.org"
        person.city = "Omaha"
        person.interpreterNeeded = true
        person.veteran = false
        person.householdSize = 2
        person.monthlyIncome = 900
        person.insurance = ["medicaid"]
        var profile = NeedsProfile(person: person, needs: [.init(.housing, "emergency_shelter", urgency: .urgent), .init(.clinical, "counseling")])
        profile.circumstances = NeedsProfile.Circumstances(chronicallyHomeless: true, activeSubstanceUse: true, justiceInvolved: true,
                                                           seriousMentalIllness: true, disability: false)
        profile.preferences.telehealthOK = true
        profile.preferences.faithTradition = "catholic"
        return profile
    }

    public static let referral = Referral(id: "ref-0001", status: .requested, serviceID: "svc-shelter", organizationID: "ORG-42",
                                   personRef: "P-1042", consentID: "con-0001", needDomains: [.housing], createdAt: now,
                                   createdBy: "cw-7", requestedAt: now, respondBy: now.addingTimeInterval(2 * 86_400),
                                   updatedAt: now, version: 1)

    public static func consent(_ categories: Set<Consent.Category>, recipient: String = "ORG-42", revokedAt: Date? = nil) -> Consent {
        Consent(recipient: recipient, categories: categories, method: .written, capturedBy: "cw-7", capturedAt: capturedAt,
                expiresAt: capturedAt.addingTimeInterval(365 * 86_400), revokedAt: revokedAt)
    }

    public static func disclosure(_ categories: Set<Consent.Category>, note: String? = "Prefers morning calls; PTSD, sees Dr. Okafor") -> ReferralDisclosure? {
        ReferralDisclosure(referral: referral, consentID: "con-0001", consent: consent(categories), profile: profile, note: note,
                           service: service, partner: partner(), now: now)
    }

    /// Runs a validator script from scripts/lib with the Python scripts/test installs into .venv.
    public static func validate(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let python = repository.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "run scripts/test: it installs the validators into .venv"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("scripts/lib/\(script)").path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    public static func temporaryFile(_ data: Data, suffix: String = ".json") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-\(UUID().uuidString)\(suffix)").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
