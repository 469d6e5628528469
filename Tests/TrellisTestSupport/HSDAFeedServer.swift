public import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
public import Synchronization

/// A small Open Referral HSDA API on 127.0.0.1 for the feed tests: `GET /hsda/services?page&per_page&full=true`
/// pages (with `total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`,
/// `contents`) over the services it is given, an `ETag` per page that changes when the services do (an
/// `If-None-Match` that still holds gets 304), `GET /airs.xml` with `Last-Modified` / `If-Modified-Since`,
/// and failing modes: every request 500, or one page's JSON cut short.
public final class HSDAFeedServer: Sendable {
    public enum Mode: Sendable, Equatable {
        case normal
        /// Every request answers 500.
        case failing
        /// This page's body is cut in the middle of its JSON.
        case truncated(page: Int)
    }

    struct State {
        var services: [String] = []
        var version = 1
        var mode = Mode.normal
        var airs = ""
        var airsModified = "Mon, 07 Dec 2026 01:00:00 GMT"
        var served = 0
        var notModified = 0
        var withoutFull = 0
    }

    private let state = Mutex(State())
    public let server: LoopbackServer

    private init(server: LoopbackServer) { self.server = server }

    /// Serves `services` (HSDS service objects, each one JSON text) and the AIRS export `airs`.
    public static func start(services: [String], airs: String = "") async throws -> HSDAFeedServer {
        let box = Mutex<HSDAFeedServer?>(nil)
        let router = Router()
        router.get("/hsda/services") { request, _ -> Response in
            guard let feed = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return feed.page(request)
        }
        router.get("/airs.xml") { request, _ -> Response in
            guard let feed = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return feed.airsExport(request)
        }
        let feed = HSDAFeedServer(server: try await LoopbackServer.start(router))
        feed.state.withLock { $0.services = services; $0.airs = airs }
        box.withLock { $0 = feed }
        return feed
    }

    /// The sample county's HSDS services (config/directories/riverbend.hsds.json), one JSON text each.
    public static func sampleServices() throws -> [String] {
        let data = try Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/directories/riverbend.hsds.json"))
        guard let array = try JSONSerialization.jsonObject(with: data) as? [Any] else { return [] }
        return try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }

    public static func sampleAIRS() throws -> String {
        try String(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/directories/riverbend.airs.xml"), encoding: .utf8)
    }

    /// The feed's address, as `trellis directory pull --hsda` takes it.
    public var hsdaURL: String { server.url("/hsda") }
    public var airsURL: String { server.url("/airs.xml") }

    /// New services: every page's ETag changes.
    public func replaceServices(_ services: [String]) {
        state.withLock { $0.services = services; $0.version += 1 }
    }

    public func replaceAIRS(_ airs: String, modified: String) {
        state.withLock { $0.airs = airs; $0.airsModified = modified }
    }

    public func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }

    /// Pages answered 200, and 304.
    public var served: Int { state.withLock { $0.served } }
    public var notModified: Int { state.withLock { $0.notModified } }
    /// Requests that did not ask for full records (`full=true`); they are refused with 400.
    public var withoutFull: Int { state.withLock { $0.withoutFull } }

    public func stop() { server.stop() }

    private func page(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let page = query["page"].flatMap { Int(String($0)) } ?? 1
        let perPage = query["per_page"].flatMap { Int(String($0)) } ?? 10
        return state.withLock { state -> Response in
            if state.mode == .failing { return Response(status: .internalServerError) }
            guard query["full"].map(String.init) == "true" else {
                state.withoutFull += 1
                return Response(status: .badRequest)
            }
            guard page >= 1, (1...1_000).contains(perPage) else { return Response(status: .badRequest) }
            let etag = "\"v\(state.version)-p\(page)-n\(perPage)\""
            if request.headers[.ifNoneMatch] == etag {
                state.notModified += 1
                return Response(status: .notModified, headers: [.eTag: etag])
            }
            let total = state.services.count
            let pages = max(1, (total + perPage - 1) / perPage)
            let slice = state.services.dropFirst((page - 1) * perPage).prefix(perPage)
            var body = """
                {"total_items": \(total), "total_pages": \(pages), "page_number": \(page), "size": \(slice.count), \
                "first_page": \(page == 1), "last_page": \(page >= pages), "empty": \(slice.isEmpty), "contents": [\(slice.joined(separator: ","))]}
                """
            if state.mode == .truncated(page: page) { body = String(body.prefix(body.count / 2)) }
            state.served += 1
            return Response(status: .ok, headers: [.contentType: "application/json", .eTag: etag], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    private func airsExport(_ request: Request) -> Response {
        state.withLock { state -> Response in
            if state.mode == .failing { return Response(status: .internalServerError) }
            if request.headers[.ifModifiedSince] == state.airsModified {
                state.notModified += 1
                return Response(status: .notModified, headers: [.lastModified: state.airsModified])
            }
            state.served += 1
            return Response(status: .ok, headers: [.contentType: "application/xml", .lastModified: state.airsModified],
                            body: .init(byteBuffer: ByteBuffer(string: state.airs)))
        }
    }
}
