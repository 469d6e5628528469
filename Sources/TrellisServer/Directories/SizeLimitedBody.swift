import NIOCore

/// A request body that stops with 413 once more than `limit` bytes have arrived, so an upload is
/// streamed to disk without ever holding more than one buffer, and never grows past its limit.
struct SizeLimitedBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let limit: Int
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            received += buffer.readableBytes
            if received > limit {
                throw APIError(.contentTooLarge, code: "too_large", "the upload is larger than the limit of \(limit) bytes")
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}
