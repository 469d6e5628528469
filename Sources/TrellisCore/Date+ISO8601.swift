public import Foundation

extension Date {
    /// `2026-12-02T06:15:46Z`, as `ISO8601DateFormatter` and the `.iso8601` JSON strategy write it,
    /// in UTC to the second, without Foundation's calendar machinery (which dominates encoding a page
    /// of referrals on Linux).
    public var iso8601Seconds: String {
        var seconds = time_t(timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int32, at offset: Int, digits: Int) {
            var value = value
            for i in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[i] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, at: 0, digits: 4); bytes[4] = UInt8(ascii: "-")
        put(parts.tm_mon + 1, at: 5, digits: 2); bytes[7] = UInt8(ascii: "-")
        put(parts.tm_mday, at: 8, digits: 2); bytes[10] = UInt8(ascii: "T")
        put(parts.tm_hour, at: 11, digits: 2); bytes[13] = UInt8(ascii: ":")
        put(parts.tm_min, at: 14, digits: 2); bytes[16] = UInt8(ascii: ":")
        put(parts.tm_sec, at: 17, digits: 2); bytes[19] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }
}
