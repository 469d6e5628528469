public import Foundation

/// scripts/lib/smtp_recorder.py (aiosmtpd, in the .venv scripts/test sets up): a real SMTP server on
/// 127.0.0.1 that writes each message it accepts as a JSON line before it answers 250, so once a send
/// returns its record is there to read. It ends when `stop()` closes its standard input, or with the
/// test process.
public final class SMTPRecorder: Sendable {
    /// One accepted message as the server saw it.
    public struct Record: Decodable, Sendable {
        public var mailFrom: String
        public var rcptTos: [String]
        public var authLogin: String?
        /// The message came over TLS (STARTTLS or smtps).
        public var tls: Bool
        /// The message as received: CRLF line endings, dot-stuffing undone.
        public var raw: String
        public var headers: [[String]]
        /// The text with its transfer encoding undone.
        public var body: String?

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", authLogin = "auth_login", tls, raw, headers, body
        }

        /// Every value of the header `name` (any case).
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.count > 1 ? $0[1] : nil }
        }
    }

    public let port: Int
    public let output: URL
    private let process: Process
    private let input: Pipe

    private init(port: Int, output: URL, process: Process, input: Pipe) {
        self.port = port
        self.output = output
        self.process = process
        self.input = input
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }
    /// For a recorder started with `--implicit-tls`.
    public var tlsURL: String { "smtps://127.0.0.1:\(port)" }

    /// Starts the recorder with `options` (`--refuse ADDRESS`, `--defer ADDRESS`, `--user U --password P`,
    /// `--tls-cert PEM --tls-key KEY [--implicit-tls]`, `--silent`) and returns once it listens.
    public static func start(_ options: [String] = []) async throws -> SMTPRecorder {
        let python = DeliveryFixtures.repository.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "run scripts/test: it installs aiosmtpd into .venv"])
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-smtp-\(UUID().uuidString).jsonl")
        let process = Process()
        process.executableURL = python
        process.arguments = [DeliveryFixtures.repository.appendingPathComponent("scripts/lib/smtp_recorder.py").path, "--out", output.path] + options
        let input = Pipe(), out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        try process.run()
        // The first line says the port; reading it waits on the server itself, off the cooperative pool.
        let line = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes = Data()
                while true {
                    let chunk = out.fileHandleForReading.readData(ofLength: 1)
                    if chunk.isEmpty || chunk == Data("\n".utf8) { break }
                    bytes.append(chunk)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "listening", let port = Int(words[1]) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "smtp_recorder.py did not start: \(line)"])
        }
        return SMTPRecorder(port: port, output: output, process: process, input: input)
    }

    /// The messages accepted so far, oldest first.
    public func records() throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: output.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Record.self, from: Data($0)) }
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: output)
    }
}
