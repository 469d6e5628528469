public import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOPosix
public import NIOSSL
public import Synchronization

/// Real servers on 127.0.0.1 for the worker to talk to, each on a free port, stopped by `stop()`.
public final class LoopbackServer: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    public static var logger: Logger {
        var logger = Logger(label: "trellis.tests.server")
        logger.logLevel = .critical
        return logger
    }

    /// Serves `router` over HTTP, or HTTPS when `tls` is given.
    public static func start(_ router: Router<BasicRequestContext>, tls: TLSConfiguration? = nil) async throws -> LoopbackServer {
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        return try await start { reportPort in
            Application(router: router, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { channel in await reportPort(channel.localAddress?.port ?? 0) }, logger: logger)
        }
    }

    /// Runs the application `make` builds (listening on port 0) and returns once it reports its port.
    public static func start(_ make: (@escaping @Sendable (Int) async -> Void) async throws -> some ApplicationProtocol) async throws -> LoopbackServer {
        let (ports, reporter) = AsyncStream<Int>.makeStream()
        let app = try await make { reporter.yield($0) }
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return LoopbackServer(port: port, task: task)
    }

    public func url(_ path: String, scheme: String = "http") -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    public func stop() { task.cancel() }
}

/// Routes that misbehave the way real partners do, counting what reaches them.
public final class FaultyPartner: Sendable {
    public let requests = Mutex<[String: [String]]>([:])  // route → Idempotency-Keys, in order
    /// How many requests /flaky fails before it accepts.
    public let flakyFailures: Int

    public init(flakyFailures: Int = 2) { self.flakyFailures = flakyFailures }

    public func count(_ route: String) -> Int { requests.withLock { $0[route]?.count ?? 0 } }
    public func keys(_ route: String) -> [String] { requests.withLock { $0[route] ?? [] } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        @Sendable func note(_ route: String, _ request: Request) -> Int {
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? ""
            return requests.withLock { all in all[route, default: []].append(key); return all[route]!.count }
        }
        router.post("/fail") { request, _ in _ = note("fail", request); return Response(status: .internalServerError) }
        router.post("/busy") { request, _ -> Response in
            let n = note("busy", request)
            return n == 1 ? Response(status: .serviceUnavailable, headers: [.retryAfter: "1000"]) : Response(status: .created)
        }
        router.post("/gone") { request, _ in _ = note("gone", request); return Response(status: .gone) }
        router.post("/invalid") { request, _ -> Response in
            _ = note("invalid", request)
            return Response(status: .unprocessableContent, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"Patient.birthDate is required by our intake"}"#)))
        }
        router.post("/redirect") { request, _ -> Response in
            _ = note("redirect", request)
            return Response(status: .permanentRedirect, headers: [.location: "http://127.0.0.1:9/elsewhere"])
        }
        router.post("/hang") { request, _ -> Response in
            _ = note("hang", request)
            try await Task.sleep(for: .seconds(30))
            return Response(status: .created)
        }
        router.post("/flaky") { request, _ -> Response in
            let n = note("flaky", request)
            return n <= self.flakyFailures ? Response(status: .badGateway) : Response(status: .created)
        }
        router.post("/ok") { request, _ in _ = note("ok", request); return Response(status: .accepted) }
        return router
    }
}

/// Accepts connections and resets them (RST) without answering.
public final class ResettingServer: Sendable {
    public let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    private final class Reset: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            // Linger 0: close sends RST instead of FIN.
            guard let socket = context.channel as? any SocketOptionProvider else { return context.close(promise: nil) }
            let channel = context.channel
            socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    public static func start() async throws -> ResettingServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in channel.pipeline.addHandler(Reset()) }
            .bind(host: "127.0.0.1", port: 0).get()
        return ResettingServer(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    public func stop() async { try? await channel.close() }
}

/// A throwaway certificate authority and two server certificates for 127.0.0.1: one it signed and
/// one it did not. Made with the openssl command line in a temporary folder.
public struct TestCertificates {
    public let folder: URL
    public var caPEM: String { folder.appendingPathComponent("ca.pem").path }
    public var serverPEM: String { folder.appendingPathComponent("server.pem").path }
    public var serverKey: String { folder.appendingPathComponent("server.key").path }
    public var strangerPEM: String { folder.appendingPathComponent("stranger.pem").path }
    public var strangerKey: String { folder.appendingPathComponent("stranger.key").path }
    /// A client certificate the CA signed, for mutual TLS.
    public var clientPEM: String { folder.appendingPathComponent("client.pem").path }
    public var clientKey: String { folder.appendingPathComponent("client.key").path }

    public static func make() throws -> TestCertificates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificates = TestCertificates(folder: folder)
        try "subjectAltName=IP:127.0.0.1\n".write(to: folder.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Trellis Test CA"], in: folder)
        try run(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: folder)
        try run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                 "-days", "2", "-extfile", "san.ext"], in: folder)
        try run(["req", "-x509"] + ec + ["-keyout", "stranger.key", "-out", "stranger.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1"], in: folder)
        try run(["req"] + ec + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=trellis-county"], in: folder)
        try run(["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem",
                 "-days", "2"], in: folder)
        return certificates
    }

    /// The server's TLS; with `requireClientCertificate`, only clients with a certificate the CA signed get in.
    public func serverConfiguration(stranger: Bool = false, requireClientCertificate: Bool = false) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(stranger ? strangerPEM : serverPEM).map { NIOSSLCertificateSource.certificate($0) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: stranger ? strangerKey : serverKey, format: .pem)))
        if requireClientCertificate {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(caPEM)
        }
        return configuration
    }

    private static func run(_ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? ""): \(text)"]) }
    }
}
