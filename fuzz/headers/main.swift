// libFuzzer harness: the request headers a client controls before anything authenticates it, read
// with the very sources the server runs (scripts/fuzz compiles them into this harness):
//   line 1  webhook-timestamp   WebhookHeaderFields.timestamp, and the tolerance arithmetic of
//                                StandardWebhooks.verify against a fixed and an extreme clock
//   line 2  webhook-signature   WebhookHeaderFields.signatures and version1MAC
//   line 3  X-Forwarded-For     ForwardedFor.client from a trusted and an untrusted peer
//   line 4  Authorization       APITokenFormat.isWellFormed of the bearer value
// Besides crashes (an overflow traps) it checks each reader's promise: a timestamp is exactly 1 to
// 12 ASCII digits, at most 8 signatures are kept, a MAC is 32 bytes, a forwarded client is an IP
// address (or the peer), and a well-formed token is `trt_` and 43 URL-safe characters.
import Foundation

let trusted: ForwardedFor = {
    do { return try ForwardedFor(trustedProxies: ["127.0.0.1", "10.0.0.2", "::1"]) } catch {
        FuzzSupport.violated("the harness's trusted proxies do not parse: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    let field = { (n: Int) in n < lines.count ? lines[n] : "" }

    // webhook-timestamp
    let timestampText = field(0)
    let seconds = WebhookHeaderFields.timestamp(timestampText)
    let digitsOnly = (1...12).contains(timestampText.utf8.count) && timestampText.utf8.allSatisfy { (48...57).contains($0) }
    if (seconds != nil) != digitsOnly { FuzzSupport.violated("timestamp \(timestampText.debugDescription) read as \(String(describing: seconds))") }
    if let seconds {
        if Int(timestampText) != seconds {
            FuzzSupport.violated("timestamp \(timestampText) read as \(seconds)")
        }
        for now in [1_800_000_000.0, 0, 1e15, -1e15] {  // what verify computes, against ordinary and extreme clocks
            let off = Int(now.rounded(.down)) - seconds
            _ = abs(off) <= 300
        }
    }

    // webhook-signature
    if let entries = WebhookHeaderFields.signatures(field(1)) {
        if entries.count > WebhookHeaderFields.maximumSignatures { FuzzSupport.violated("\(entries.count) signatures kept") }
        for entry in entries {
            if let mac = WebhookHeaderFields.version1MAC(entry, length: 32) {
                if mac.count != 32 { FuzzSupport.violated("a MAC of \(mac.count) bytes") }
                _ = WebhookHeaderFields.constantTimeEqual(mac, [UInt8](repeating: 0, count: 32))
            }
        }
    } else if field(1).split(separator: " ").count <= WebhookHeaderFields.maximumSignatures {
        FuzzSupport.violated("a header of \(field(1).split(separator: " ").count) signatures refused")
    }

    // X-Forwarded-For, from a trusted proxy and from anyone else
    let header = field(2).split(separator: "\r", omittingEmptySubsequences: false).map(String.init)
    let client = trusted.client(peer: "127.0.0.1", forwardedFor: header)
    if let client, client != "127.0.0.1", ForwardedFor.ipAddress(client) != client {
        FuzzSupport.violated("forwarded client \(client.debugDescription) is not an address")
    }
    if trusted.client(peer: "198.51.100.1", forwardedFor: header) != "198.51.100.1" {
        FuzzSupport.violated("X-Forwarded-For believed from an untrusted peer")
    }

    // Authorization: Bearer
    let token = field(3)
    if APITokenFormat.isWellFormed(token) {
        let rest = token.utf8.dropFirst(4)
        if !token.hasPrefix("trt_") || rest.count != 43 || !rest.allSatisfy({ $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) {
            FuzzSupport.violated("token \(token.debugDescription) taken as well-formed")
        }
    }
    return 0
}
