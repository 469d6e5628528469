import CCurl
import Foundation

/// Sends one message over SMTP with a libcurl easy handle of its own, blocking until the server has
/// answered DATA's end or failed. Call off Swift's cooperative pool (`MailSender` does).
enum SMTPTransfer {
    static func perform(_ message: MailMessage, settings: MailSettings) -> Result<Void, MailError> {
        _ = CurlHandle.globalInit
        guard let handle = curl_easy_init() else { return .failure(MailError(.network, "libcurl could not allocate a handle")) }
        defer { curl_easy_cleanup(handle) }
        let clock = ContinuousClock()
        let started = clock.now
        let upload = UploadSource(message.rendered())
        let dialogue = SMTPDialogue()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for address in message.to { recipients = curl_slist_append(recipients, "<\(address.address)>") }
        defer { curl_slist_free_all(recipients) }

        let configured: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            var code = CURLE_OK
            func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
            set(ccurl_setopt_string(handle, CURLOPT_URL, settings.url.absoluteString))
            set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
            set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout.milliseconds)))
            set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(settings.totalTimeout.milliseconds)))
            set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let ca = settings.caBundle { set(ccurl_setopt_string(handle, CURLOPT_CAINFO, ca)) }
            if settings.startTLS { set(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))) }
            if let user = settings.username { set(ccurl_setopt_string(handle, CURLOPT_USERNAME, user)) }
            if let password = settings.password { set(ccurl_setopt_string(handle, CURLOPT_PASSWORD, password)) }
            set(ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(message.from.address)>"))
            set(ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
            set(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set(ccurl_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.data.count)))
            set(ccurl_setopt_write_function(handle, CURLOPT_READFUNCTION, { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                return Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
            }))
            set(ccurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()))
            // The debug callback sees each command Trellis sends, so a refusal can be told apart:
            // recipient, sender or message. Only the command's verb is kept (AUTH lines carry secrets).
            set(ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1))
            set(ccurl_setopt_debug_function(handle, CURLOPT_DEBUGFUNCTION, { _, type, data, size, context in
                guard type == CURLINFO_HEADER_OUT, let data, let context else { return 0 }
                Unmanaged<SMTPDialogue>.fromOpaque(context).takeUnretainedValue().sent(UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }))
            set(ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(dialogue).toOpaque()))
            set(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress))
            return code
        }
        guard configured == CURLE_OK else {
            return .failure(MailError(.refused, "libcurl refused a setting: \(String(cString: curl_easy_strerror(configured)))"))
        }

        let code = withExtendedLifetime((upload, dialogue)) { curl_easy_perform(handle) }
        let duration = clock.now - started
        guard code != CURLE_OK else { return .success(()) }
        var reply = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return .failure(MailError(kind(of: code, lastCommand: dialogue.lastCommand, reply: reply), text,
                                  replyCode: reply > 0 ? reply : nil, duration: duration))
    }

    /// The class of a failure, from libcurl's code and the last command the server answered.
    static func kind(of code: CURLcode, lastCommand: String?, reply: Int) -> MailError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .connect
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_LOGIN_DENIED: return .authentication
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .tls
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .refused
        default: return refusal(lastCommand: lastCommand, reply: reply)
        }
    }

    /// Any other failure: a refusal when the server's last reply was 400 or above, told apart by the
    /// command it answered; otherwise the connection broke.
    static func refusal(lastCommand: String?, reply: Int) -> MailError.Kind {
        guard reply >= 400 else { return .network }
        switch lastCommand {
        case "RCPT": return .rejectedRecipient
        case "MAIL": return .rejectedSender
        case "AUTH": return .authentication
        case "STARTTLS": return .tls
        default: return .rejectedMessage
        }
    }
}

/// The message's bytes, handed to libcurl as it asks for them.
private final class UploadSource {
    let data: Data
    private var offset = 0

    init(_ data: Data) { self.data = data }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, data.count - offset)
        guard count > 0 else { return 0 }
        data.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// The verb of the last SMTP command sent (MAIL, RCPT, DATA, ...); nothing else is kept.
private final class SMTPDialogue {
    /// QUIT is left out: libcurl sends it after a refusal, and the refusal is what counts.
    static let verbs: Set<String> = ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA"]
    private(set) var lastCommand: String?

    func sent(_ bytes: UnsafeRawBufferPointer) {
        let head = String(decoding: bytes.prefix(8), as: UTF8.self).uppercased()
        let verb = String(head.prefix { $0.isLetter })
        if Self.verbs.contains(verb) { lastCommand = verb }
    }
}
