import Foundation
import TrellisCore

/// How to reach a service, as a match or a referral shows it: its phones as `tel:` links, its address
/// with the county properly cased, its hours, how to apply, and the one sentence a case worker says
/// for a warm handoff ("Call 402-555-0100 and ask for intake; mention the Trellis referral").
struct ServiceContact: Equatable, Sendable {
    struct Phone: Equatable, Sendable {
        /// As a person reads it: "402-555-0100", "402-555-0100 ext. 12", "211".
        var text: String
        /// "tel:+14025550100", "tel:+14025550100;ext=12", "tel:211".
        var link: String
    }

    var phones: [Phone]
    var address: String?
    var hours: String?
    var apply: String?
    var website: String?
    var handoff: String?

    init(_ service: Service) {
        phones = service.phones.compactMap(Self.phone)
        address = service.locations.lazy.compactMap { $0.address.flatMap(Self.address) }.first
        hours = service.hours?.nonBlank
        apply = service.applicationProcess?.nonBlank
        website = service.url.flatMap { url in
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else { return nil }
            return url
        }
        if let phone = phones.first {
            handoff = "Call \(phone.text) and ask for intake; mention the Trellis referral."
        } else if let website {
            handoff = "Apply through \(website); mention the Trellis referral."
        }
    }

    /// A directory's phone text as a dialable link; nil when it holds no digits.
    static func phone(_ raw: String) -> Phone? {
        let parts = raw.components(separatedBy: "ext.")
        let main = parts[0]
        let ext = parts.count > 1 ? parts[1].filter(\.isASCIIDigit) : ""
        let international = main.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"'"))).hasPrefix("+")
        var digits = main.filter(\.isASCIIDigit)
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var text: String
        if !international, digits.count == 11, digits.hasPrefix("1") { digits.removeFirst() }
        if !international, digits.count == 10 {
            // North American: 402-555-0100, dialled as +1.
            let area = digits.prefix(3), exchange = digits.dropFirst(3).prefix(3), line = digits.suffix(4)
            text = "\(area)-\(exchange)-\(line)"
            digits = "+1" + digits
        } else if international {
            text = main.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"'")))
            digits = "+" + digits
        } else {
            text = main.trimmingCharacters(in: .whitespaces)
        }
        var link = "tel:\(digits)"
        if !ext.isEmpty {
            text += " ext. \(ext)"
            link += ";ext=\(ext)"
        }
        return Phone(text: text, link: link)
    }

    /// "1200 Farnam St, Omaha, Douglas County, NE 68102": one line, the county in its proper case.
    static func address(_ address: Address) -> String? {
        let county = address.county.flatMap { County($0, state: address.state) }.map { "\($0.name) County" }
        let statePostal = [address.state?.uppercased(), address.postalCode].compactMap { $0?.nonBlank }.joined(separator: " ").nonBlank
        let parts = [address.line1, address.line2, address.city, county, statePostal].compactMap { $0?.nonBlank }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The template's values.
    var values: [String: Any] {
        var values: [String: Any] = ["phones": phones.map { ["text": $0.text, "link": $0.link] }, "has_phone": !phones.isEmpty]
        values["address"] = address
        values["hours"] = hours
        values["apply"] = apply
        values["website"] = website
        values["handoff"] = handoff
        return values
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
