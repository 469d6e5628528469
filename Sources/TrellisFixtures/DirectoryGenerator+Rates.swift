extension DirectoryGenerator {
    /// How often each feature and real-export quirk appears (a fraction of the records named).
    enum Rates {
        // Structure.
        /// Agencies holding a nested child agency (AIRS) / with a `parent_organization_id` (HSDS).
        static let childAgency = 0.05
        /// Agencies run by a faith community (their services carry faith-based + a tradition).
        static let faithAgency = 0.08

        // Service content (share of services).
        static let unmappedCodes = 0.15
        static let ageRequirement = 0.30
        static let genderRequirement = 0.05
        static let incomeLimit = 0.10
        static let residency = 0.25
        static let inactive = 0.02
        static let notAvailableForReferral = 0.03
        /// Broken records that a reader must reject: an AIRS SiteService with no Taxonomy, an HSDS
        /// service with no `status`.
        static let broken = 0.001

        // Program attributes.
        static let ipsOfSupportedEmployment = 0.40
        static let housingFirstOfHousing = 0.30
        static let sobrietyRequiredOfHousing = 0.15
        static let peerRunOfPeerSupport = 0.45
        static let peerRunOther = 0.03
        static let traumaInformed = 0.25
        static let telehealthClinical = 0.30
        static let telehealthOther = 0.08

        // AIRS quirks.
        /// Site County written in upper case ("DOUGLAS"), as Nebraska's 211 export does.
        static let upperCaseCounty = 0.30
        /// iCarol puts AKA, URL and Email inside SiteService (share of services).
        static let iCarolExtras = 0.015
        /// A `{what:'...'}` facet string as an extra Taxonomy/Code (share of services).
        static let facetCode = 0.015
        /// `&amp;lt;b&amp;gt;` in the Description (share of services).
        static let doubleEscapedHTML = 0.015
        /// An extra Phone with an empty `<PhoneNumber />` (share of services).
        static let emptyPhoneNumber = 0.02
        /// Languages written as one Name, "English, Spanish, Vietnamese" (share of services).
        static let joinedLanguages = 0.02
        /// A site's SpatialLocation holds only a Datum of "lat, lon" (share of sites).
        static let datumCoordinates = 0.015
        /// A site's Latitude is 100 (share of sites).
        static let latitude100 = 0.01

        // HSDS quirks.
        /// Ages, coordinates and capacities written as JSON strings (share of services).
        static let numbersAsStrings = 0.02
        /// A location's latitude out of range (share of sites).
        static let badLatitude = 0.005
        /// Housing services with a 3.1 `capacities` entry, and with a "waitlist" unit.
        static let capacityOfHousing = 0.50
        static let waitlistOfHousing = 0.10
        /// Telehealth services without `service_at_locations`; services without `phones`, `schedules`.
        static let noLocationOfTelehealth = 0.12
        static let noPhones = 0.05
        static let noSchedule = 0.08
    }
}
