public import Crypto
public import Foundation

/// A signed statement of the chain's head: "record N has hash H", signed with an Ed25519 key kept
/// outside the database. Written every N records and at shutdown, to a file outside the database,
/// so that a chain rewritten whole no longer matches what was signed.
public struct AuditCheckpoint: Codable, Hashable, Sendable {
    public var sequence: Int64
    public var hash: Data
    public var at: Date
    public var signature: Data

    /// The bytes the signature covers.
    static func message(sequence: Int64, hash: Data, at: Date) -> Data {
        Data("trellis-audit-checkpoint\n\(sequence)\n\(hash.base64EncodedString())\n\(AuditCanonicalForm.timestamp(at))".utf8)
    }

    public init(signing record: SealedAuditRecord, at: Date, with key: Curve25519.Signing.PrivateKey) throws {
        sequence = record.event.sequence
        hash = record.hash
        self.at = at
        signature = try key.signature(for: Self.message(sequence: sequence, hash: hash, at: at))
    }

    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        key.isValidSignature(signature, for: Self.message(sequence: sequence, hash: hash, at: at))
    }

    enum CodingKeys: String, CodingKey { case sequence, hash, at, signature }

    /// One JSON object per line, for an append-only checkpoint file.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The same milliseconds the signature covers.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(AuditCanonicalForm.timestamp(date))
        }
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a checkpoint file; a line that is not a checkpoint is an error naming the line.
    public static func read(jsonLines text: String) throws -> [AuditCheckpoint] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a time: \(text)"))
            }
            return date
        }
        var result: [AuditCheckpoint] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                result.append(try decoder.decode(AuditCheckpoint.self, from: Data(line.utf8)))
            } catch {
                throw AuditCheckpointFileError(line: number + 1, message: "not a checkpoint: \(error)")
            }
        }
        return result
    }
}

public struct AuditCheckpointFileError: Error, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}
