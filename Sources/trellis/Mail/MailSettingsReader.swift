import Configuration
import Foundation
import SystemPackage
import TrellisCore
import TrellisDelivery

/// The `mail` object of config/trellis.json (or `--config FILE`), under environment variables named
/// `TRELLIS_SMTP_<KEY>` (`TRELLIS_SMTP_URL` for `mail.url`; `mail.username` is `TRELLIS_SMTP_USER`),
/// read the way `serve` is. A value of the wrong kind is an error naming its key. The password is read
/// as a secret and never printed. An empty variable counts as unset.
enum MailSettingsReader {
    /// Nil when no `mail.url` is set: e-mail notices are off.
    static func read(configFile: String?) async throws -> MailSettings? {
        // An empty TRELLIS_SMTP_* is unset (a shell's `TRELLIS_SMTP_URL=`), so the file's value holds.
        let variables = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("TRELLIS_SMTP_") && !$0.value.isEmpty }
        let environment = KeyMappingProvider(upstream: EnvironmentVariablesProvider(
            environmentVariables: variables, secretsSpecifier: .specific(["TRELLIS_SMTP_PASSWORD"]))) { key in
            guard key.components.first == "mail" else { return key.prepending(["trellis"]) }
            let rest = key.components.dropFirst().map { $0 == "username" ? "user" : $0 }
            return AbsoluteConfigKey(["trellis", "smtp"] + rest)
        }
        var providers: [any ConfigProvider] = [environment]
        var mailPart: String?
        defer { if let mailPart { try? FileManager.default.removeItem(atPath: mailPart) } }
        if let configFile {
            mailPart = try ServeSettings.section("mail", of: configFile)
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(mailPart ?? configFile), allowMissing: false))
        }
        let config = ConfigReader(providers: providers).scoped(to: "mail")
        guard let urlText = config.string(forKey: "url")?.nonBlank else { return nil }
        guard let url = URL(string: urlText) else { throw CommandFailure("mail.url: \(urlText) is not a URL") }
        let fromText = config.string(forKey: "from") ?? "trellis@localhost"
        guard let from = MailAddress(fromText) else { throw CommandFailure("mail.from: \(fromText) is not an e-mail address") }
        let siteText = config.string(forKey: "site_url") ?? "http://127.0.0.1:8080"
        guard let site = URL(string: siteText), let scheme = site.scheme?.lowercased(), scheme == "http" || scheme == "https", site.host != nil,
              site.query == nil, site.fragment == nil
        else { throw CommandFailure("mail.site_url: \(siteText) is not an http or https address") }
        let connectTimeout = try seconds(config, "connect_timeout_seconds") ?? 10
        let timeout = try seconds(config, "timeout_seconds") ?? 30
        let startTLS = try ServeSettings.bool(config, "starttls", section: "mail") ?? false
        do throws(MailError) {
            return try MailSettings(url: url, from: from, fromName: config.string(forKey: "from_name")?.nonBlank ?? "Trellis",
                                    username: config.string(forKey: "username")?.nonBlank,
                                    password: config.string(forKey: "password", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
                                    startTLS: startTLS,
                                    connectTimeout: .milliseconds(Int(connectTimeout * 1_000)), totalTimeout: .milliseconds(Int(timeout * 1_000)),
                                    caBundle: config.string(forKey: "ca_file")?.nonBlank, site: site)
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// A positive number of seconds, at most a day.
    static func seconds(_ config: ConfigReader, _ key: String) throws -> Double? {
        guard let value = try ServeSettings.double(config, key, section: "mail") else { return nil }
        guard value > 0, value <= 86_400 else { throw CommandFailure("mail.\(key): \(value) is not above 0 and at most 86400") }
        return value
    }
}
