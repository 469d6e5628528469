import Foundation
import MultipartKit
import NIOCore

/// Streams the file part of a `multipart/form-data` upload to a spool file, never holding more than
/// one buffer, and stops at the size limit. The small fields before the file (the CSRF token) are
/// handed to `checkFields` before a byte of the file is written. Returns the file name the browser gave.
enum MultipartSpool {
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for part in contentType.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    static func spool<Body: AsyncSequence>(_ body: Body, boundary: String, field: String, to path: String, limit: Int,
                                           checkFields: @escaping ([String: String]) throws -> Void) async throws -> String?
    where Body.Element == ByteBuffer {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw APIError(.internalServerError, code: "internal", "the upload could not be spooled")
        }
        defer { try? handle.close() }
        let state = SpoolState()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { state.disposition = value }
        }
        parser.onBody = { buffer in
            guard state.failure == nil else { return }
            if !state.inFile, state.disposition.contains("name=\"\(field)\"") {
                state.inFile = true
                state.fileName = Self.fileName(in: state.disposition)
                do { try checkFields(state.fields) } catch { state.failure = error; return }
            }
            guard state.inFile else {
                // A small field: kept (bounded) for checkFields.
                if let name = Self.fieldName(in: state.disposition), state.fieldBytes + buffer.readableBytes <= 4_096 {
                    state.fields[name, default: ""] += String(buffer: buffer)
                    state.fieldBytes += buffer.readableBytes
                }
                return
            }
            state.written += buffer.readableBytes
            if state.written > limit {
                state.failure = APIError(.contentTooLarge, code: "too_large", "the upload is larger than the limit of \(limit) bytes")
                return
            }
            do { try handle.write(contentsOf: Data(buffer: buffer)) } catch { state.failure = error }
        }
        parser.onPartComplete = {
            state.inFile = false
            state.disposition = ""
        }
        for try await buffer in body {
            try parser.execute(buffer)
            if let failure = state.failure { throw failure }
        }
        if !state.inFile && state.fileName == nil { try checkFields(state.fields) }
        return state.fileName
    }

    static func fieldName(in disposition: String) -> String? {
        guard let range = disposition.range(of: "name=\"") else { return nil }
        return String(disposition[range.upperBound...].prefix { $0 != "\"" })
    }

    static func fileName(in disposition: String) -> String? {
        guard let range = disposition.range(of: "filename=\"") else { return nil }
        return String(disposition[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// What the parser's callbacks share while one upload streams through.
private final class SpoolState {
    var disposition = ""
    var inFile = false
    var fileName: String?
    var written = 0
    var failure: (any Error)?
    var fields: [String: String] = [:]
    var fieldBytes = 0
}
