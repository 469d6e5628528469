import CCurl
import Foundation

/// One libcurl easy handle. Reusing it keeps the partner's connection alive between requests
/// (`curl_easy_reset` keeps live connections). Used by one thread at a time: `CurlClient` takes it
/// from its idle handles for one request and puts it back when the request is done.
final class CurlHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init() {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { fatalError("libcurl could not allocate a handle") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends `request` and blocks until the answer or an error. Call off Swift's cooperative pool.
    func perform(_ request: OutgoingRequest, settings: TransportSettings) -> Result<IncomingResponse, TransportError> {
        curl_easy_reset(handle)
        let clock = ContinuousClock()
        let started = clock.now
        let sink = ResponseSink(limit: settings.maximumResponseBytes)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        // Without an empty Expect, libcurl waits up to a second for "100 Continue" on larger bodies.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        defer { curl_slist_free_all(headerList) }

        let configured: Result<Void, TransportError> = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            var code = CURLE_OK
            func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
            set(ccurl_setopt_string(handle, CURLOPT_URL, request.url.absoluteString))
            set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
            set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout.milliseconds)))
            set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(settings.totalTimeout.milliseconds)))
            set(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
            if let ca = settings.caBundle { set(ccurl_setopt_string(handle, CURLOPT_CAINFO, ca)) }
            if let certificate = settings.clientCertificate { set(ccurl_setopt_string(handle, CURLOPT_SSLCERT, certificate)) }
            if let key = settings.clientKey { set(ccurl_setopt_string(handle, CURLOPT_SSLKEY, key)) }
            set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            set(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress))
            switch request.method {
            case .get:
                set(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            case .post, .put:
                set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
                if request.method == .put { set(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "PUT")) }
                set(ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                // COPYPOSTFIELDS copies the body, so its lifetime does not matter to libcurl.
                if request.body.isEmpty {
                    set(ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
                } else {
                    request.body.withUnsafeBytes { bytes in
                        set(ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)))
                    }
                }
            }
            set(ccurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().body(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }))
            set(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()))
            set(ccurl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }))
            set(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(sink).toOpaque()))
            guard code == CURLE_OK else {
                return .failure(TransportError(.refused, "libcurl refused a setting: \(String(cString: curl_easy_strerror(code)))"))
            }
            return .success(())
        }
        if case .failure(let error) = configured { return .failure(error) }

        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        let duration = clock.now - started
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(TransportError(Self.kind(of: code), message, duration: duration))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(IncomingResponse(status: status, headers: sink.headers, body: sink.data, duration: duration, bodyTruncated: sink.truncated))
    }

    static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            .tls
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: .refused
        default: .network
        }
    }
}

/// Collects a response's headers and the first bytes of its body while libcurl reads it.
private final class ResponseSink {
    let limit: Int
    var data = Data()
    var headers: [String: String] = [:]
    var truncated = false

    init(limit: Int) { self.limit = limit }

    func body(_ bytes: UnsafeRawBufferPointer) {
        let room = limit - data.count
        if room > 0 { data.append(contentsOf: bytes.prefix(room)) }
        if bytes.count > max(room, 0) { truncated = true }
    }

    func header(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = [:]  // a new response (after 100 Continue): start over
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
