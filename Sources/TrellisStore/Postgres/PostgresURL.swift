import Foundation
import NIOSSL
import PostgresNIO

/// Reads a `postgres://` URL into a client configuration. `sslmode=disable` (the default for a
/// loopback host), `require` (encrypted, certificate not checked) or `verify-full` (the default otherwise).
enum PostgresURL {
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? ""),
              let host = url.host, !host.isEmpty else {
            throw StoreError.invalid(field: "database URL", reason: "expected postgres://user:password@host:port/database")
        }
        let user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let database = url.path.hasPrefix("/") && url.path.count > 1 ? String(url.path.dropFirst()) : user
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? (loopback ? "disable" : "verify-full") {
        case "disable": tls = .disable
        case "require":
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            tls = .require(settings)
        case "verify-full", "verify-ca": tls = .require(TLSConfiguration.makeClientConfiguration())
        case let other:
            throw StoreError.invalid(field: "database URL", reason: "sslmode \(other) is not supported (disable, require or verify-full)")
        }
        var configuration = PostgresClient.Configuration(host: host, port: url.port ?? 5432, username: user,
                                                         password: url.password, database: database, tls: tls)
        if let schema = query["search_path"], !schema.isEmpty {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
    }
}
