import Foundation
import TrellisCore

/// config/trellis.json: where the database is and the settings around it. Every key is optional.
struct TrellisSettingsFile: Decodable {
    struct Audit: Decodable {
        var checkpointEvery: Int64?
        var checkpointFile: String?
        var signingKeyFile: String?
        enum CodingKeys: String, CodingKey {
            case checkpointEvery = "checkpoint_every", checkpointFile = "checkpoint_file", signingKeyFile = "signing_key_file"
        }
    }

    struct Referrals: Decodable {
        var responseDeadlineBusinessDays: Int?
        var timeZone: String?
        var holidays: [String]?
        /// Days from "service started" to the case worker's follow-up (1 to 365; 30 when absent).
        var followUpDays: Int?
        enum CodingKeys: String, CodingKey {
            case responseDeadlineBusinessDays = "response_deadline_business_days", timeZone = "time_zone", holidays
            case followUpDays = "follow_up_days"
        }

        func checkedFollowUpDays() throws -> Int {
            guard let days = followUpDays else { return 30 }
            guard (1...365).contains(days) else { throw CommandFailure("referrals.follow_up_days: a whole number of days from 1 to 365, not \(days)") }
            return days
        }

        func calendar() throws -> BusinessCalendar {
            var zone = TimeZone(identifier: "UTC")!
            if let name = timeZone {
                guard let named = TimeZone(identifier: name) else { throw CommandFailure("referrals.time_zone: unknown time zone \(name)") }
                zone = named
            }
            var days: Set<CalendarDay> = []
            for text in holidays ?? [] {
                guard let day = CalendarDay(iso: text) else { throw CommandFailure("referrals.holidays: \(text) is not a date (YYYY-MM-DD)") }
                days.insert(day)
            }
            return BusinessCalendar(timeZone: zone, holidays: days)
        }
    }

    var database: String?
    var dataKey: String?
    var dataKeyFile: String?
    var audit: Audit?
    var referrals: Referrals?
    var directories: DirectorySettings?

    enum CodingKeys: String, CodingKey {
        case database, audit, referrals, directories
        case dataKey = "data_key", dataKeyFile = "data_key_file"
    }

    static func load(explicit: String?) throws -> TrellisSettingsFile {
        guard let path = ConfigFiles.locate("config/trellis.json", explicit: explicit, environment: "TRELLIS_CONFIG") else {
            return TrellisSettingsFile()
        }
        return try JSONFile.read(TrellisSettingsFile.self, from: path, what: "settings")
    }
}

/// Reads a JSON file strictly, naming the file and the field at fault.
enum JSONFile {
    static func read<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path): cannot read the \(what)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            throw CommandFailure("\(path): \(field.isEmpty ? what : field): \(reason)")
        } catch {
            throw CommandFailure("\(path): not JSON: \(error.localizedDescription)")
        }
    }
}
