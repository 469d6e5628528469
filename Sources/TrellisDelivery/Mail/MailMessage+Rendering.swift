public import Foundation

extension MailMessage {
    /// The message as it goes after DATA (RFC 5322): headers, a blank line, the body, every line
    /// ending in CRLF. Lines starting with "." are left as they are: libcurl dot-stuffs the upload.
    public func rendered() -> Data {
        var lines = [
            "From: \(Self.phrase(fromName)) <\(from.address)>",
            "To: \(to.map(\.address).joined(separator: ", "))",
            "Subject: \(Self.headerText(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            // RFC 3834: no auto-replies ("out of office") to a machine's notice.
            "Auto-Submitted: auto-generated",
        ]
        let text = Self.crlfLines(body)
        let plain = text.allSatisfy { $0.utf8.count <= 998 && $0.utf8.allSatisfy { $0 < 0x80 } }
        if plain {
            lines.append("Content-Transfer-Encoding: 7bit")
            lines.append("")
            lines += text
        } else {
            // 8-bit text needs a server that takes it (8BITMIME); base64 goes through any.
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            let encoded = Data((text.joined(separator: "\r\n") + "\r\n").utf8).base64EncodedString()
            var rest = Substring(encoded)
            while !rest.isEmpty {
                lines.append(String(rest.prefix(76)))
                rest = rest.dropFirst(76)
            }
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The body's lines, whatever ended them (CRLF, LF or CR); no empty last line for a final break.
    static func crlfLines(_ text: String) -> [String] {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = unified.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Header text on one line: control characters become spaces; anything beyond ASCII goes as
    /// RFC 2047 encoded words of at most 45 bytes each (whole characters), folded.
    static func headerText(_ text: String) -> String {
        let line = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        guard line.utf8.contains(where: { $0 >= 0x80 }) || line.utf8.count > 900 else { return line }
        var words: [String] = []
        var chunk = ""
        for character in line {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// A display name: plain words as they are, anything else an encoded word.
    static func phrase(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == " " || $0 == "-" || $0 == "."
        }
        return plain ? name : "=?UTF-8?B?\(Data(name.utf8).base64EncodedString())?="
    }

    /// "Mon, 07 Dec 2026 03:04:05 +0000", in UTC, in English whatever the locale.
    static func rfc5322(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[((c.weekday ?? 1) - 1) % 7]), \(two(c.day)) \(months[((c.month ?? 1) - 1) % 12]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
