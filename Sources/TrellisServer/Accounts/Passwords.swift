import HummingbirdBcrypt
import NIOPosix

/// Passwords for people who sign in: bcrypt (cost 12), never stored or logged in the clear.
public enum Passwords {
    public static let minimumLength = 12

    /// Why a password is refused, or nil when it will do.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "a password needs at least \(minimumLength) characters" }
        if password.utf8.count > 72 { return "a password can be at most 72 bytes (bcrypt reads no further)" }
        return nil
    }

    public static func hash(_ password: String) -> String { hash(password, cost: 12) }

    /// A cheaper hash for tests that sign in many times at once; bcrypt reads the cost from the hash,
    /// so checking a password against it is as cheap. Never for a real account.
    static func hash(_ password: String, cost: UInt8) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, against hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// Verification on NIO's thread pool: bcrypt costs a quarter of a second of CPU, which must not
    /// hold up the threads that serve requests.
    static func verify(_ password: String, against hash: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    /// Hashing on NIO's thread pool, for the same reason.
    static func hashOffThread(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
    }

    /// A hash of a random password, checked when the user name is unknown so the answer takes as
    /// long as for a real account.
    static let decoyHash = Bcrypt.hash("decoy-" + String(UInt64.random(in: .min ... .max)), cost: 12)
}
