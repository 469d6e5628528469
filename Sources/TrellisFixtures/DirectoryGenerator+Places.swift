extension DirectoryGenerator {
    /// A county with its seat: where sites are put.
    struct Place: Sendable {
        let county: String
        let state: String
        let city: String
        /// Millionths of a degree.
        let latitude: Int
        let longitude: Int
        let areaCode: String
        let zips: [String]

        init(_ county: String, _ state: String, _ city: String, _ lat: Double, _ lon: Double, _ areaCode: String, _ zips: String) {
            self.county = county
            self.state = state
            self.city = city
            latitude = Int((lat * 1_000_000).rounded())
            longitude = Int((lon * 1_000_000).rounded())
            self.areaCode = areaCode
            self.zips = zips.split(separator: " ").map(String.init)
        }

        var countyName: String { county + " County" }
        var stateName: String { DirectoryGenerator.stateNames[state] ?? state }
    }

    static let stateNames: [String: String] = [
        "NE": "Nebraska", "IA": "Iowa", "MN": "Minnesota", "WI": "Wisconsin", "MO": "Missouri", "KS": "Kansas",
        "CO": "Colorado", "OH": "Ohio", "TX": "Texas", "WA": "Washington", "OR": "Oregon",
    ]

    /// 43 counties in 11 states, with coordinates near the county seat and some of its ZIP codes.
    static let places: [Place] = [
        Place("Douglas", "NE", "Omaha", 41.2565, -95.9345, "402", "68102 68104 68105 68106 68107 68108 68110 68111 68131 68132 68134"),
        Place("Sarpy", "NE", "Papillion", 41.1544, -96.0422, "402", "68046 68133 68128 68005 68123"),
        Place("Lancaster", "NE", "Lincoln", 40.8136, -96.7026, "402", "68502 68503 68504 68505 68508 68510 68516"),
        Place("Hall", "NE", "Grand Island", 40.9264, -98.3420, "308", "68801 68803"),
        Place("Pottawattamie", "IA", "Council Bluffs", 41.2619, -95.8608, "712", "51501 51503"),
        Place("Polk", "IA", "Des Moines", 41.5868, -93.6250, "515", "50309 50310 50311 50312 50313 50314 50315 50316"),
        Place("Linn", "IA", "Cedar Rapids", 41.9779, -91.6656, "319", "52401 52402 52403 52404 52405"),
        Place("Scott", "IA", "Davenport", 41.5236, -90.5776, "563", "52801 52802 52803 52804 52806"),
        Place("Black Hawk", "IA", "Waterloo", 42.4928, -92.3426, "319", "50701 50702 50703"),
        Place("Hennepin", "MN", "Minneapolis", 44.9778, -93.2650, "612", "55401 55403 55404 55405 55406 55407 55408 55411"),
        Place("Ramsey", "MN", "Saint Paul", 44.9537, -93.0900, "651", "55101 55102 55104 55106 55117"),
        Place("Olmsted", "MN", "Rochester", 44.0121, -92.4802, "507", "55901 55902 55904 55906"),
        Place("St. Louis", "MN", "Duluth", 46.7867, -92.1005, "218", "55802 55803 55805 55806 55811"),
        Place("Milwaukee", "WI", "Milwaukee", 43.0389, -87.9065, "414", "53202 53204 53205 53206 53208 53210 53212 53215"),
        Place("Dane", "WI", "Madison", 43.0731, -89.4012, "608", "53703 53704 53705 53711 53713 53714"),
        Place("Brown", "WI", "Green Bay", 44.5133, -88.0133, "920", "54301 54302 54303 54304"),
        Place("Jackson", "MO", "Kansas City", 39.0997, -94.5786, "816", "64105 64106 64108 64109 64110 64111 64127 64128"),
        Place("St. Louis", "MO", "Clayton", 38.6426, -90.3237, "314", "63105 63117 63119 63122 63130 63136"),
        Place("Greene", "MO", "Springfield", 37.2090, -93.2923, "417", "65802 65803 65804 65806 65807"),
        Place("Boone", "MO", "Columbia", 38.9517, -92.3341, "573", "65201 65202 65203"),
        Place("Sedgwick", "KS", "Wichita", 37.6872, -97.3301, "316", "67202 67203 67204 67208 67211 67214"),
        Place("Johnson", "KS", "Olathe", 38.8814, -94.8191, "913", "66061 66062 66210 66212 66215"),
        Place("Shawnee", "KS", "Topeka", 39.0473, -95.6752, "785", "66603 66604 66606 66608 66611"),
        Place("Denver", "CO", "Denver", 39.7392, -104.9903, "303", "80202 80203 80204 80205 80206 80210 80211 80218 80219"),
        Place("El Paso", "CO", "Colorado Springs", 38.8339, -104.8214, "719", "80903 80904 80905 80907 80909 80910"),
        Place("Larimer", "CO", "Fort Collins", 40.5853, -105.0844, "970", "80521 80524 80525 80526"),
        Place("Pueblo", "CO", "Pueblo", 38.2544, -104.6091, "719", "81001 81003 81004 81005"),
        Place("Franklin", "OH", "Columbus", 39.9612, -82.9988, "614", "43201 43202 43203 43204 43205 43206 43207 43211 43215"),
        Place("Cuyahoga", "OH", "Cleveland", 41.4993, -81.6944, "216", "44102 44103 44104 44105 44106 44108 44113 44115"),
        Place("Hamilton", "OH", "Cincinnati", 39.1031, -84.5120, "513", "45202 45203 45205 45206 45214 45219 45225"),
        Place("Lucas", "OH", "Toledo", 41.6528, -83.5379, "419", "43604 43605 43607 43608 43609 43610"),
        Place("Travis", "TX", "Austin", 30.2672, -97.7431, "512", "78701 78702 78704 78721 78723 78741 78744 78753"),
        Place("Bexar", "TX", "San Antonio", 29.4241, -98.4936, "210", "78201 78202 78203 78204 78207 78210 78211 78237"),
        Place("Harris", "TX", "Houston", 29.7604, -95.3698, "713", "77002 77003 77004 77009 77011 77020 77021 77026"),
        Place("Lubbock", "TX", "Lubbock", 33.5779, -101.8552, "806", "79401 79403 79404 79411 79415"),
        Place("King", "WA", "Seattle", 47.6062, -122.3321, "206", "98101 98104 98108 98118 98122 98133 98144"),
        Place("Spokane", "WA", "Spokane", 47.6588, -117.4260, "509", "99201 99202 99205 99207 99208"),
        Place("Pierce", "WA", "Tacoma", 47.2529, -122.4443, "253", "98402 98404 98405 98408 98409"),
        Place("Snohomish", "WA", "Everett", 47.9790, -122.2021, "425", "98201 98203 98204"),
        Place("Multnomah", "OR", "Portland", 45.5152, -122.6784, "503", "97202 97203 97206 97211 97214 97217 97220 97233"),
        Place("Lane", "OR", "Eugene", 44.0521, -123.0868, "541", "97401 97402 97403 97404 97405"),
        Place("Marion", "OR", "Salem", 44.9429, -123.0351, "503", "97301 97302 97303 97305"),
    ]

    /// For each place, the other places in its state.
    static let neighbors: [[Int]] = places.indices.map { i in
        places.indices.filter { $0 != i && places[$0].state == places[i].state }
    }

    static let streets = [
        "Main", "Oak", "Maple", "Cedar", "Park", "Washington", "Lincoln", "Jefferson", "Lake", "Hill", "Pine", "Elm",
        "2nd", "3rd", "5th", "10th", "24th", "33rd", "Center", "Grand", "Broadway", "Market", "Church", "Spring",
        "Walnut", "Chestnut", "Franklin", "Jackson", "Madison", "Harrison", "Dodge", "Cuming", "Prospect",
        "Riverside", "Highland", "University", "Martin Luther King Jr.", "Cesar Chavez", "Vine", "Locust",
    ]
    static let streetTypes = ["Street", "Avenue", "Boulevard", "Road", "Drive", "St", "Ave", "St.", "Ave.", "Parkway"]
    static let directions = ["North", "South", "East", "West", "N.", "S.", "E.", "W."]
}
