import Foundation
import GRDB
import TrellisCore

/// How directory sites answer the same question today: one indexed SQL query per need against
/// SQLite holding the same services, with a distance order and the same hard filters.
final class SQLitePeer {
    private let database: DatabaseQueue
    private let folder: URL

    init(services: [Service]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.journalMode = .wal
        database = try DatabaseQueue(path: folder.appendingPathComponent("directory.sqlite").path, configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE service (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, organization TEXT NOT NULL,
                    active INTEGER NOT NULL, available INTEGER NOT NULL, lat REAL, lon REAL,
                    min_age INTEGER, max_age INTEGER, gender TEXT, faith_based INTEGER NOT NULL, sobriety INTEGER NOT NULL,
                    telehealth INTEGER NOT NULL, open_places INTEGER, languages TEXT NOT NULL, verified TEXT);
                CREATE TABLE service_category (service INTEGER NOT NULL REFERENCES service(rowid), domain TEXT NOT NULL, detail TEXT);
                CREATE INDEX service_category_lookup ON service_category(domain, detail, service);
                CREATE INDEX service_position ON service(lat, lon);
                """)
            let insertService = try db.makeStatement(sql: """
                INSERT INTO service (rowid, id, name, organization, active, available, lat, lon, min_age, max_age, gender,
                    faith_based, sobriety, telehealth, open_places, languages, verified)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertCategory = try db.makeStatement(sql: "INSERT INTO service_category (service, domain, detail) VALUES (?, ?, ?)")
            for (row, s) in services.enumerated() {
                let point = s.locations.first?.coordinate
                try insertService.execute(arguments: [
                    row + 1, s.id, s.name, s.organizationName, s.status == .active, s.availableForReferral,
                    point?.latitude, point?.longitude, s.eligibility.minimumAge, s.eligibility.maximumAge,
                    s.eligibility.genders.count == 1 ? s.eligibility.genders[0].rawValue : nil,
                    s.attributes.faithBased, s.attributes.sobrietyRequired, s.attributes.telehealth,
                    s.capacity?.available, s.languages.joined(separator: ","), s.lastVerified?.description,
                ])
                for c in s.categories { try insertCategory.execute(arguments: [row + 1, c.domain.rawValue, c.detail]) }
            }
            try db.execute(sql: "ANALYZE")
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    private static let query = """
        SELECT s.id, s.name, s.organization,
               (s.lat - :lat) * (s.lat - :lat) + ((s.lon - :lon) * :cos) * ((s.lon - :lon) * :cos) AS d2
        FROM service_category c JOIN service s ON s.rowid = c.service
        WHERE c.domain = :domain AND (:detail IS NULL OR c.detail = :detail OR c.detail IS NULL)
          AND s.active = 1 AND s.available = 1
          AND (s.min_age IS NULL OR s.min_age <= :age) AND (s.max_age IS NULL OR s.max_age >= :age)
          AND (s.gender IS NULL OR s.gender = :gender)
          AND (s.faith_based = 0 OR :faith = 1 OR c.domain = 'faith')
          AND (s.sobriety = 0 OR :in_use = 0 OR c.domain <> 'housing')
          AND ((s.lat BETWEEN :lat0 AND :lat1 AND s.lon BETWEEN :lon0 AND :lon1) OR (:telehealth = 1 AND s.telehealth = 1))
        ORDER BY (s.open_places > 0) DESC, instr(s.languages, :language) > 0 DESC, d2
        LIMIT :limit
        """

    /// Runs the query for every need of the profile; returns how many rows came back.
    func match(_ profile: NeedsProfile, limit: Int = 5) throws -> Int {
        guard case .coordinate(let point)? = profile.person.location else { return 0 }
        let km = profile.preferences.maxDistanceKm ?? 25
        let dLat = km / 111.0
        let cosine = cos(point.latitude * .pi / 180)
        let dLon = km / (111.0 * cosine)
        return try database.read { db in
            let statement = try db.cachedStatement(sql: Self.query)
            var rows = 0
            for need in profile.needs {
                let arguments: StatementArguments = [
                    "lat": point.latitude, "lon": point.longitude, "cos": cosine,
                    "domain": need.domain.rawValue, "detail": need.detail, "age": profile.person.age,
                    "gender": profile.person.gender?.rawValue, "faith": profile.preferences.faithBased == .optIn,
                    "in_use": profile.circumstances.activeSubstanceUse, "telehealth": profile.preferences.telehealthOK,
                    "lat0": point.latitude - dLat, "lat1": point.latitude + dLat,
                    "lon0": point.longitude - dLon, "lon1": point.longitude + dLon,
                    "language": profile.person.languages.first ?? "en", "limit": limit,
                ]
                rows += try Row.fetchAll(statement, arguments: arguments).count
            }
            return rows
        }
    }
}
