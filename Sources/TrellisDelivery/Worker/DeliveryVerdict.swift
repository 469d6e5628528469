public import Foundation

/// What an answer (or its absence) means for a referral's delivery.
public enum DeliveryVerdict: Equatable, Sendable {
    case delivered
    /// Worth trying again; the partner may have asked for a pause.
    case retry(retryAfter: TimeInterval?)
    /// Trying again will not help until someone changes something.
    case permanent
    /// The endpoint is gone (410): stop sending anything to this partner.
    case gone

    public static func of(_ response: IncomingResponse, now: Date) -> DeliveryVerdict {
        switch response.status {
        case 200..<300: .delivered
        case 408, 429, 500..<600: .retry(retryAfter: RetryPolicy.retryAfter(response.headers["retry-after"], now: now))
        case 410: .gone
        default: .permanent  // other 4xx, and 3xx since redirects are never followed
        }
    }

    public static func of(_ error: TransportError) -> DeliveryVerdict {
        switch error.kind {
        case .connect, .timeout, .network, .tls: .retry(retryAfter: nil)
        case .refused: .permanent
        }
    }
}
