import Configuration
import Foundation
import SystemPackage

/// `trellis serve`'s settings: the `serve` object of config/trellis.json (or `--config FILE`), under
/// environment variables named after each key (`TRELLIS_SERVE_PORT` for `serve.port`), under the
/// command line's options, which win. A value of the wrong kind is an error naming its key.
struct ServeSettings {
    var host = "127.0.0.1"
    var port = 8080
    var partnersFile: String?
    var webDirectory: String?
    var uploadLimitMB = 1_024
    var spoolDirectory = NSTemporaryDirectory()
    var sessionHours = 12.0
    /// Automatic log-off: a web session unused this long ends.
    var sessionIdleMinutes = 30
    static let sessionIdleRange = 5...720
    var pollEverySeconds = 300.0
    var delivery = true
    /// Directories imported on first start, when the database holds none.
    var sampleDirectories: [String] = []
    /// Session cookies without `Secure` (`serve.insecure_cookies`, or the older `serve.secure_cookies: false`).
    var insecureCookies = false
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve.trusted_proxy`: one address or a list).
    var trustedProxies: [String] = []
    /// A second port, on loopback only, serving /metrics without a token (`serve.metrics_port`).
    var metricsPort: Int?

    static func read(configFile: String?) async throws -> ServeSettings {
        var providers: [any ConfigProvider] = [
            KeyMappingProvider(upstream: EnvironmentVariablesProvider()) { key in key.prepending(["trellis"]) },
        ]
        var servePart: String?
        defer { if let servePart { try? FileManager.default.removeItem(atPath: servePart) } }
        if let configFile {
            servePart = try Self.section("serve", of: configFile)
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(servePart ?? configFile), allowMissing: false))
        }
        let config = ConfigReader(providers: providers).scoped(to: "serve")
        var settings = ServeSettings()
        settings.host = config.string(forKey: "host") ?? settings.host
        settings.port = try Self.int(config, "port") ?? settings.port
        settings.partnersFile = config.string(forKey: "partners")
        settings.webDirectory = config.string(forKey: "web")
        settings.uploadLimitMB = try Self.int(config, "upload_limit_mb") ?? settings.uploadLimitMB
        settings.spoolDirectory = config.string(forKey: "upload_spool") ?? settings.spoolDirectory
        settings.sessionHours = try Self.double(config, "session_hours") ?? settings.sessionHours
        settings.pollEverySeconds = try Self.double(config, "poll_every_seconds") ?? settings.pollEverySeconds
        settings.sessionIdleMinutes = try Self.int(config, "session_idle_minutes") ?? settings.sessionIdleMinutes
        settings.delivery = try Self.bool(config, "delivery") ?? settings.delivery
        settings.insecureCookies = try Self.bool(config, "insecure_cookies") ?? (try Self.bool(config, "secure_cookies")).map { !$0 } ?? false
        settings.trustedProxies = config.stringArray(forKey: "trusted_proxy") ?? config.string(forKey: "trusted_proxy").map { [$0] } ?? []
        settings.metricsPort = try Self.int(config, "metrics_port")
        settings.sampleDirectories = config.stringArray(forKey: "first_start_directories") ?? []
        guard sessionIdleRange.contains(settings.sessionIdleMinutes) else {
            throw CommandFailure("serve.session_idle_minutes: \(settings.sessionIdleMinutes) is not 5 to 720")
        }
        guard (0...65_535).contains(settings.port) else { throw CommandFailure("serve.port: \(settings.port) is not a port (0 to 65535)") }
        if let metrics = settings.metricsPort, !(0...65_535).contains(metrics) {
            throw CommandFailure("serve.metrics_port: \(metrics) is not a port (0 to 65535)")
        }
        guard settings.uploadLimitMB > 0, settings.sessionHours > 0, settings.pollEverySeconds > 0 else {
            throw CommandFailure("serve.upload_limit_mb, serve.session_hours and serve.poll_every_seconds must be above 0")
        }
        return settings
    }

    /// One object of the settings file (`serve`, `mail`) alone, in a temporary file the caller removes:
    /// the configuration reader refuses a whole file holding lists of objects (`directories.feeds`, read
    /// by `TrellisSettingsFile`).
    static func section(_ name: String, of configFile: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: configFile) else { throw CommandFailure("\(configFile): cannot read the settings") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch { throw CommandFailure("\(configFile): not JSON: \(error.localizedDescription)") }
        guard let settings = object as? [String: Any] else { throw CommandFailure("\(configFile): the settings are not a JSON object") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-\(name)-settings-\(UUID().uuidString).json").path
        let part = try JSONSerialization.data(withJSONObject: [name: settings[name] ?? [String: Any]()])
        guard FileManager.default.createFile(atPath: path, contents: part, attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("\(configFile): cannot copy the \(name) settings to \(path)")
        }
        return path
    }

    static func int(_ config: ConfigReader, _ key: String, section: String = "serve") throws -> Int? {
        if let value = config.int(forKey: ConfigKey(key)) { return value }
        if config.string(forKey: ConfigKey(key)) != nil { throw CommandFailure("\(section).\(key): expected a whole number") }
        return nil
    }

    static func double(_ config: ConfigReader, _ key: String, section: String = "serve") throws -> Double? {
        if let value = config.double(forKey: ConfigKey(key)) { return value }
        if let value = config.int(forKey: ConfigKey(key)) { return Double(value) }
        if config.string(forKey: ConfigKey(key)) != nil { throw CommandFailure("\(section).\(key): expected a number") }
        return nil
    }

    static func bool(_ config: ConfigReader, _ key: String, section: String = "serve") throws -> Bool? {
        if let value = config.bool(forKey: ConfigKey(key)) { return value }
        if config.string(forKey: ConfigKey(key)) != nil { throw CommandFailure("\(section).\(key): expected true or false") }
        return nil
    }
}
