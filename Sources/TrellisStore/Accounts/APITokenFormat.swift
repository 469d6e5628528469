// Depends on nothing but the standard library: scripts/fuzz compiles this file into its request-header harness.

/// What an issued token looks like (`IssuedToken.make`): `trt_` and the URL-safe base64 of 32
/// random bytes, 43 characters without padding. Anything else cannot be a token, so it is refused
/// before the store is asked and costs no database work.
public enum APITokenFormat {
    public static let prefix = "trt_"
    public static let encodedLength = 43

    public static func isWellFormed(_ secret: String) -> Bool {
        let bytes = secret.utf8
        guard bytes.count == prefix.utf8.count + encodedLength, secret.hasPrefix(prefix) else { return false }
        return bytes.dropFirst(prefix.utf8.count).allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
    }
}
