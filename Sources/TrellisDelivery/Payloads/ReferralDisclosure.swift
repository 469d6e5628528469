public import Foundation
public import TrellisCore

/// Exactly what one referral may disclose to its partner: the referral itself, plus each kind of the
/// person's data only when the consent allows that category for that recipient at that moment. Both
/// payload formats are rendered from this value and nothing else, so the minimum-necessary rule lives here.
public struct ReferralDisclosure: Hashable, Sendable {
    public struct Contact: Hashable, Sendable {
        public var name: String?
        public var phone: String?
        public var email: String?
    }

    public struct Demographics: Hashable, Sendable {
        public var age: Int?
        public var gender: Gender?
        public var languages: [String]
        public var interpreterNeeded: Bool
        public var city: String?
        public var county: String?
        public var state: String?
        public var postalCode: String?
    }

    public struct Needs: Hashable, Sendable {
        /// Only the needs this referral is for.
        public var needs: [NeedsProfile.Need]
        public var telehealthOK: Bool
        public var peerRunPreferred: Bool
        public var providerGender: Gender?
        /// Only on a referral for faith-based support.
        public var faithTradition: String?
    }

    public struct Circumstances: Hashable, Sendable {
        public var chronicallyHomeless: Bool
        public var justiceInvolved: Bool
        public var seriousMentalIllness: Bool
        public var disability: Bool
        public var veteran: Bool?
        public var householdSize: Int?
        public var monthlyIncome: Double?
        public var insurance: [String]
    }

    /// 42 CFR Part 2 §2.32: the notice that must accompany a disclosure of substance-use information.
    public static let part2Notice = """
        This information has been disclosed to you from records protected by federal confidentiality rules \
        (42 CFR part 2). The federal rules prohibit you from making any further disclosure of information in \
        this record that identifies a patient as having or having had a substance use disorder either directly, \
        by reference to publicly available information, or through verification of such identification by \
        another person unless further disclosure is expressly permitted by the written consent of the \
        individual whose information is being disclosed or as otherwise permitted by 42 CFR part 2. A general \
        authorization for the release of medical or other information is NOT sufficient for this purpose \
        (see §2.31). The federal rules restrict any use of the information to investigate or prosecute with \
        regard to a crime any patient with a substance use disorder, except as provided at §§2.12(c)(5) and 2.65.
        """

    public var referralID: String
    public var requestedAt: Date
    /// The case worker's user id.
    public var requester: String
    public var serviceID: String
    public var serviceName: String
    public var organizationID: String
    public var organizationName: String
    public var partnerID: String
    /// The pseudonymous reference the case worker knows the person by.
    public var personRef: String
    public var needDomains: [NeedDomain]
    public var consentID: String
    public var consent: Consent
    /// The categories that went out: those the consent allows for this recipient now.
    public var categories: [Consent.Category]

    public var contact: Contact?
    public var demographics: Demographics?
    public var needs: Needs?
    public var circumstances: Circumstances?
    /// The case worker's note for the agency.
    public var clinicalNotes: String?
    /// Present only under a consent naming this recipient for substance-use information.
    public var activeSubstanceUse: Bool?

    /// What may go to `partner` for `referral` at `now`. Nil when the consent is not in force for the
    /// referral's organization: then nothing at all may be sent.
    public init?(referral: Referral, consentID: String, consent: Consent, profile: NeedsProfile, note: String?,
                 service: Service, partner: Partner, now: Date) {
        let allowed = consent.allowedCategories(for: referral.organizationID, at: now)
        guard consent.isInForce(at: now), consent.recipient == referral.organizationID else { return nil }
        referralID = referral.id
        requestedAt = referral.requestedAt ?? referral.createdAt
        requester = referral.createdBy
        serviceID = service.id
        serviceName = service.name
        organizationID = referral.organizationID
        organizationName = service.organizationName
        partnerID = partner.id
        personRef = referral.personRef
        needDomains = referral.needDomains
        self.consentID = consentID
        self.consent = consent
        categories = allowed

        let person = profile.person
        for category in allowed {
            switch category {
            case .contact:
                contact = Contact(name: person.name, phone: person.phone, email: person.email)
            case .demographics:
                var postalCode: String? = nil
                if case .postalCode(let code) = person.location { postalCode = code }
                demographics = Demographics(age: person.age, gender: person.gender, languages: person.languages,
                                            interpreterNeeded: person.interpreterNeeded, city: person.city,
                                            county: person.county, state: person.state, postalCode: postalCode)
            case .needs:
                let preferences = profile.preferences
                needs = Needs(needs: profile.needs.filter { referral.needDomains.contains($0.domain) },
                              telehealthOK: preferences.telehealthOK, peerRunPreferred: preferences.peerRunPreferred,
                              providerGender: preferences.providerGender,
                              faithTradition: referral.needDomains.contains(.faith) ? preferences.faithTradition : nil)
            case .circumstances:
                let c = profile.circumstances
                circumstances = Circumstances(chronicallyHomeless: c.chronicallyHomeless, justiceInvolved: c.justiceInvolved,
                                              seriousMentalIllness: c.seriousMentalIllness, disability: c.disability,
                                              veteran: person.veteran, householdSize: person.householdSize,
                                              monthlyIncome: person.monthlyIncome, insurance: person.insurance)
            case .clinicalNotes:
                clinicalNotes = note
            case .substanceUse:
                activeSubstanceUse = profile.circumstances.activeSubstanceUse
            }
        }
    }
}
