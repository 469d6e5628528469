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
        /// The person's own words about their needs and preferences (`preferences.notes`).
        public var notes: String?
        public var accessibility: [AccessibilityFeature] = []
        public var traumaInformed = false
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

    /// Substance-use information (42 CFR Part 2), present only under a consent naming this recipient
    /// for the `substance_use` category; a payload carrying it is labelled and carries `part2Notice`.
    public struct SubstanceUse: Hashable, Sendable {
        public var activeSubstanceUse: Bool
        /// The substance-use needs this referral is for (their detail is `substance_use`).
        public var needs: [NeedsProfile.Need]
    }

    /// 42 CFR 2.32(a)(1), Statement 1 as amended in 2024 (89 FR 12472; compliance from 16 February 2026):
    /// the notice that must accompany every disclosure made with the patient's written consent.
    public static let part2Notice = """
        This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). \
        These rules prohibit you from using or disclosing this record, or testimony that describes the information \
        contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, \
        State, or local authority, against the patient, unless authorized by the consent of the patient, except as \
        provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, \
        the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of \
        the following applies: (i) Further use or disclosure is expressly permitted by the written consent of the \
        individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. \
        (ii) You are a covered entity or business associate and have received the record for treatment, payment, or \
        health care operations, or (iii) You have received the record from a covered entity or business associate as \
        permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other \
        information is NOT sufficient to meet the required elements of written consent to further use or redisclose \
        the record (see 42 CFR 2.31).
        """

    public var referralID: String
    public var requestedAt: Date
    /// The case worker's user id.
    public var requester: String
    public var serviceID: String
    /// The service's name; for a substance-use service without Part 2 consent, only its domain's
    /// title ("Clinical care"), since the name itself says what the referral is for.
    public var serviceName: String
    /// True when `serviceName` is that title instead of the name.
    public var serviceNameWithheld: Bool
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
    public var substanceUse: SubstanceUse?

    /// What may go to `partner` for `referral` at `now`. Nil when the consent is not in force for the
    /// referral's organization: then nothing at all may be sent.
    public init?(referral: Referral, consentID: String, consent: Consent, profile: NeedsProfile, note: String?,
                 service: Service, partner: Partner, now: Date) {
        let allowed = consent.allowedCategories(for: referral.organizationID, at: now)
        guard consent.isInForce(at: now), consent.recipient == referral.organizationID else { return nil }
        referralID = referral.id
        requestedAt = referral.requestedAt ?? referral.createdAt
        requester = referral.createdBy
        // Substance-use needs and the name of a substance-use service go out only under Part 2 consent.
        let part2 = allowed.contains(.substanceUse)
        let referralNeeds = profile.needs.filter { referral.needDomains.contains($0.domain) }
        serviceID = service.id
        serviceNameWithheld = service.isSubstanceUseService && !part2
        serviceName = serviceNameWithheld ? service.substanceUseNeutralTitle : service.name
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
                // Without Part 2 consent a substance-use need is its domain and urgency: "clinical care".
                needs = Needs(needs: referralNeeds.map { need in
                                  part2 || !need.isSubstanceUse ? need : NeedsProfile.Need(need.domain, urgency: need.urgency)
                              },
                              telehealthOK: preferences.telehealthOK, peerRunPreferred: preferences.peerRunPreferred,
                              providerGender: preferences.providerGender,
                              faithTradition: referral.needDomains.contains(.faith) ? preferences.faithTradition : nil,
                              notes: preferences.notes?.nonBlank, accessibility: preferences.accessibility,
                              traumaInformed: preferences.traumaInformed)
            case .circumstances:
                let c = profile.circumstances
                circumstances = Circumstances(chronicallyHomeless: c.chronicallyHomeless, justiceInvolved: c.justiceInvolved,
                                              seriousMentalIllness: c.seriousMentalIllness, disability: c.disability,
                                              veteran: person.veteran, householdSize: person.householdSize,
                                              monthlyIncome: person.monthlyIncome, insurance: person.insurance)
            case .clinicalNotes:
                clinicalNotes = note
            case .substanceUse:
                substanceUse = SubstanceUse(activeSubstanceUse: profile.circumstances.activeSubstanceUse,
                                            needs: referralNeeds.filter(\.isSubstanceUse))
            }
        }
    }
}
