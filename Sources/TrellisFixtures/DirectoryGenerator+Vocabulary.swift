extension DirectoryGenerator {
    static let namePrefixes = [
        "Open Door", "New Hope", "Harbor Light", "Cornerstone", "Lighthouse", "Bridges", "Heartland", "Prairie",
        "Riverside", "Good Neighbor", "Pathways", "Stepping Stones", "Common Ground", "Safe Harbor", "Horizon",
        "Northstar", "Gateway", "Beacon", "Journey", "Keystone", "Fresh Start", "Willow", "Sunrise", "Compass",
        "Mosaic", "Restoration", "Summit", "Evergreen", "Turning Point", "Second Chance", "Crossroads", "Lantern",
    ]

    /// Agency name endings by domain (index = Domain.rawValue).
    static let nameSuffixes: [[String]] = [
        ["Mission", "Housing Partners", "Shelter Services", "Family Shelter", "Housing Coalition", "Community Housing"],
        ["Workforce Center", "Employment Services", "Works", "Career Center", "Job Partners"],
        ["Behavioral Health", "Counseling Center", "Mental Health Center", "Recovery Center", "Community Mental Health"],
        ["Peer Network", "Recovery Community", "Wellness Center", "Clubhouse"],
        ["Ministries", "Outreach"],
        ["Community Services", "Family & Children's Services", "Community Action Partnership", "Neighborhood Center", "Family Services"],
    ]

    static let placeNamePatterns = [
        "{county} County Community Action", "{city} Rescue Mission", "{city} Area Recovery Services",
        "{county} County Behavioral Health", "{city} Housing Authority", "{city} Urban League Workforce Program",
        "Youth Emergency Services of {city}", "{city} Center for Independent Living",
    ]

    static let childAgencySuffixes = ["Youth Services", "Recovery Services", "Housing Corporation", "Foundation", "Employment Services", "Veterans Program"]

    static let siteQualifiers = ["North", "South", "East", "West", "Downtown", "Midtown", "Eastside", "Westside"]
    static let siteKinds = ["Office", "Campus", "Center", "Clinic", "Outreach Office", "Family Center"]

    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    static let mornings = ["8:00 am", "8:30 am", "9:00 am", "10:00 am"]
    static let evenings = ["5:00 pm", "6:00 pm", "6:30 pm", "7:00 pm"]
    static let months = ["January", "March", "April", "June", "September", "October", "November", "December"]
    static let partners = [
        "the county health department", "local hospitals", "the public schools", "the regional housing authority",
        "the Veterans Affairs medical center", "the county jail's reentry program", "area food banks",
        "the community college", "federally qualified health centers", "legal aid",
    ]
    static let specialists = ["M. Alvarez", "J. Nguyen", "K. Johnson", "A. Hassan", "R. Olson", "T. Williams", "S. Patel", "D. Brown"]

    /// Weekday hours: (opens, closes, how exports write them).
    static let weekdayHours: [(from: String, to: String, notes: String)] = [
        ("08:00", "17:00", "Mon-Fri 8:00 am-5:00 pm"),
        ("09:00", "16:30", "Monday through Friday, 9 am to 4:30 pm"),
        ("08:30", "17:00", "Mon-Fri 8:30 am-5 pm, closed holidays"),
        ("07:30", "16:00", "M-F 7:30 am-4:00 pm"),
        ("09:00", "17:00", "Weekdays 9-5"),
    ]
    static let otherHours = [
        "Mon-Thu 8 am-7 pm; Fri 8 am-5 pm", "Mon, Wed, Fri 9 am-3 pm; Tue, Thu 12 pm-7 pm", "By appointment; call for availability",
        "Mon-Sat 10 am-6 pm", "24 hours, 7 days a week", "Tue-Sat 9:00 am-5:30 pm",
    ]

    static let ageRules: [(min: Int?, max: Int?, text: String)] = [
        (18, nil, "Adults 18 and older"), (18, nil, "Ages 18+"), (12, 17, "Youth ages 12-17"),
        (16, 24, "Young adults ages 16 to 24"), (55, nil, "Adults 55 and older"), (60, nil, "Seniors 60 and older"),
        (nil, 17, "Children and youth under 18"), (14, 21, "Ages 14-21"), (18, 64, "Adults 18-64"),
    ]

    static let intakeSteps = [
        "Call the main line to schedule an intake appointment.", "Walk in during open hours; no appointment needed.",
        "Complete the online application, then a staff member will call within two business days.",
        "Referral from a case manager, doctor or school counselor preferred but not required.",
        "Call the 24-hour line; staff complete a brief screening by phone.",
        "Apply through coordinated entry by calling 2-1-1.",
    ]

    /// The corpus's sentences for one section of a description.
    static func generic(_ section: DirectoryCorpus.Section) -> [Template] {
        DirectoryCorpus.shared.sentences(section).map(Template.init)
    }

    static let genericDetails = generic(.details)
    static let eligibilityTemplates = generic(.eligibility)
    static let intakeTemplates = generic(.intake)
    static let bringTemplates = generic(.bring)
    static let historyTemplates = generic(.history)
    static let accessTemplates = generic(.access)
    static let closingTemplates = generic(.closing)
}
