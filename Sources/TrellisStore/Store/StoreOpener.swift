import Foundation
public import Logging
public import TrellisCore

/// Which database a URL names: a file path or `sqlite:PATH` for SQLite, `postgres://…` for PostgreSQL.
public enum StoreLocation: Hashable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "/", options: .anchored))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Without the password, for messages.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "postgres://…" }
            if parts.password != nil { parts.password = "***" }
            return parts.string ?? "postgres://…"
        }
    }

    /// Where keys and checkpoint files go when configuration does not say: beside a SQLite file,
    /// or in `data/` for PostgreSQL.
    var folder: String {
        switch self {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return folder.isEmpty ? "." : folder
        case .postgres: return "data"
        }
    }

    var checkpointName: String {
        switch self {
        case .sqlite(let path): return (path as NSString).lastPathComponent + ".audit-checkpoints.jsonl"
        case .postgres(let url):
            let parts = URLComponents(string: url)
            let name = [parts?.host ?? "host", String(parts?.port ?? 5432), String(parts?.path.dropFirst() ?? "")]
                .joined(separator: "-").map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
            return "postgres-\(String(name)).audit-checkpoints.jsonl"
        }
    }
}

/// Everything needed to open the store, from configuration and the environment.
public struct StoreSettings: Sendable {
    public var location: StoreLocation
    /// Base64 of 32 bytes; else `dataKeyFile`; else `trellis-data.key` beside the database.
    public var dataKey: String?
    public var dataKeyFile: String?
    public var checkpointFile: String?
    public var signingKeyFile: String?
    public var checkpointEvery: Int64
    public var calendar: BusinessCalendar
    public var responseDeadlineBusinessDays: Int
    /// Days from "service started" to the case worker's follow-up (`referrals.follow_up_days`).
    public var followUpDays: Int

    public init(location: StoreLocation, dataKey: String? = nil, dataKeyFile: String? = nil, checkpointFile: String? = nil,
                signingKeyFile: String? = nil, checkpointEvery: Int64 = 1_000, calendar: BusinessCalendar = BusinessCalendar(),
                responseDeadlineBusinessDays: Int = 2, followUpDays: Int = 30) {
        self.followUpDays = followUpDays
        self.location = location
        self.dataKey = dataKey
        self.dataKeyFile = dataKeyFile
        self.checkpointFile = checkpointFile
        self.signingKeyFile = signingKeyFile
        self.checkpointEvery = checkpointEvery
        self.calendar = calendar
        self.responseDeadlineBusinessDays = responseDeadlineBusinessDays
    }

    public var resolvedDataKeyFile: String { dataKeyFile ?? location.folder + "/trellis-data.key" }
    public var resolvedCheckpointFile: String { checkpointFile ?? location.folder + "/" + location.checkpointName }
    public var resolvedSigningKeyFile: String { signingKeyFile ?? location.folder + "/audit-signing.key" }
}

public enum StoreOpener {
    public struct Opened: Sendable {
        public var store: any TrellisStore
        /// Things the user must know, e.g. that a key file was created and must be backed up.
        public var notices: [String]
    }

    public static func open(_ settings: StoreSettings, logger: Logger) async throws -> Opened {
        var notices: [String] = []
        let key = try DataKey.load(base64: settings.dataKey, file: settings.resolvedDataKeyFile)
        if let created = key.createdFile {
            notices.append("created a new data key at \(created) (readable by its owner only); back it up: without it, names and contact details in the database cannot be read")
        }
        let signing = try AuditSigningKey.loadOrCreate(at: settings.resolvedSigningKeyFile, checkpoints: settings.resolvedCheckpointFile)
        if signing.created {
            notices.append("created a new audit signing key at \(settings.resolvedSigningKeyFile) (readable by its owner only); keep it outside the database's backups")
        }
        let book = AuditCheckpointBook(path: settings.resolvedCheckpointFile, key: signing.key, every: settings.checkpointEvery)
        var configuration = StoreConfiguration(cipher: key.cipher, checkpoints: book, calendar: settings.calendar,
                                               responseDeadlineBusinessDays: settings.responseDeadlineBusinessDays)
        configuration.followUpDays = settings.followUpDays
        switch settings.location {
        case .sqlite(let path):
            return Opened(store: try SQLiteStore(path: path, configuration: configuration), notices: notices)
        case .postgres(let url):
            return Opened(store: try await PostgresStore.connect(url: url, configuration: configuration, logger: logger), notices: notices)
        }
    }
}
