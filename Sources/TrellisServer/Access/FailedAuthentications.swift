public import Foundation
import Synchronization
import TrellisCore
public import TrellisStore

/// Failed authentications — made-up, expired or revoked tokens and session cookies, partner answers
/// whose signature does not hold, sign-ins refused by the limiter — counted in memory per source
/// address and minute, and audited as one record per address and minute with its count once the
/// minute has closed (and at shutdown). A flood of bogus credentials thus costs no database write
/// per request, and the audit trail still holds the exact number.
public final class FailedAuthentications: Sendable {
    public enum Kind: String, CaseIterable, Comparable, Sendable {
        case token, session, signature
        case signIn = "sign-in"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    struct Key: Hashable {
        var address: String
        /// Whole minutes since 1970.
        var minute: Int64
    }

    /// Addresses told apart within the counts kept; beyond this, failures count under `others`, so a
    /// spray from many addresses cannot grow memory without end.
    static let addressLimit = 10_000
    static let others = "other-addresses"

    private let counts = Mutex<[Key: [Kind: Int]]>([:])

    public init() {}

    /// Counts one failure from `address` at `now`.
    public func record(_ kind: Kind, address: String?, now: Date = Date()) {
        counts.withLock { table in
            var key = Key(address: address ?? "unknown", minute: Self.minute(of: now))
            if table[key] == nil && table.count >= Self.addressLimit { key.address = Self.others }
            table[key, default: [:]][kind, default: 0] += 1
        }
    }

    /// Failures counted and not yet audited.
    public var pending: Int { counts.withLock { $0.values.reduce(0) { $0 + $1.values.reduce(0, +) } } }

    /// Audits, in one transaction, every minute that has closed by `now` (every minute, when
    /// `everything`: at shutdown). What could not be written is kept for the next flush.
    /// Returns how many records were appended.
    @discardableResult
    public func flush(to audit: any AuditLog, now: Date = Date(), everything: Bool = false) async throws -> Int {
        let current = Self.minute(of: now)
        let closed = counts.withLock { table -> [(Key, [Kind: Int])] in
            let taken = table.filter { everything || $0.key.minute < current }
            for key in taken.keys { table[key] = nil }
            return taken.sorted { ($0.key.minute, $0.key.address) < ($1.key.minute, $1.key.address) }.map { ($0.key, $0.value) }
        }
        guard !closed.isEmpty else { return 0 }
        let entries = closed.map { key, kinds in Self.entry(key, kinds, now: now) }
        do {
            try await audit.append(contentsOf: entries)
        } catch {
            counts.withLock { table in
                for (key, kinds) in closed {
                    for (kind, count) in kinds { table[key, default: [:]][kind, default: 0] += count }
                }
            }
            throw error
        }
        return entries.count
    }

    /// `failed authentications: 5 in the minute from T (signature 2, token 3)`; the address is the record's.
    static func entry(_ key: Key, _ kinds: [Kind: Int], now: Date) -> AuditEntry {
        let total = kinds.values.reduce(0, +)
        let start = Date(timeIntervalSince1970: TimeInterval(key.minute) * 60).formatted(.iso8601)
        let parts = kinds.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        let context = AuditContext(actor: "anonymous", sourceAddress: key.address, purpose: "security", now: now)
        return context.entry(.execute, "session", "failed-authentications", outcome: .denied,
                             detail: "failed authentications: \(total) in the minute from \(start) (\(parts))")
    }

    static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }
}
