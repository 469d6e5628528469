public import Foundation
public import TrellisCore

/// The partners a worker delivers to, looked up by the directory organization a referral is for.
public struct PartnerBook: Sendable {
    public let partners: [Partner]
    private let byOrganization: [String: Partner]

    /// Fails when two partners claim one organization: a referral must have exactly one destination.
    public init(_ partners: [Partner]) throws(PartnersFileError) {
        var byOrganization: [String: Partner] = [:]
        for partner in partners {
            for organization in partner.organizations {
                if let other = byOrganization[organization], other.id != partner.id {
                    throw PartnersFileError(file: nil, message: "organization \(organization) is claimed by both \(other.id) and \(partner.id)")
                }
                byOrganization[organization] = partner
            }
        }
        self.partners = partners
        self.byOrganization = byOrganization
    }

    public func partner(answeringFor organizationID: String) -> Partner? { byOrganization[organizationID] }
    public func partner(id: String) -> Partner? { partners.first { $0.id == id } }
}

/// A partners file that cannot be used, naming the file and the entry.
public struct PartnersFileError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public var message: String
    public var description: String { file.map { "\($0): \(message)" } ?? message }
}

/// `config/partners.json`: an array of partner entries, or `{"partners": [...]}`.
public enum PartnersFile {
    public static func load(_ path: String) throws(PartnersFileError) -> [Partner] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PartnersFileError(file: path, message: "cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String?) throws(PartnersFileError) -> [Partner] {
        let entries: [Any]
        do {
            let json = try JSONSerialization.jsonObject(with: data)
            if let array = json as? [Any] { entries = array }
            else if let object = json as? [String: Any], let array = object["partners"] as? [Any], object.count == 1 { entries = array }
            else { throw PartnersFileError(file: file, message: "expected an array of partners or {\"partners\": [...]}") }
        } catch let error as PartnersFileError {
            throw error
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw PartnersFileError(file: file, message: "not valid JSON: \(detail)")
        }
        var partners: [Partner] = []
        for (index, entry) in entries.enumerated() {
            let name = (entry as? [String: Any])?["id"] as? String
            do {
                let data = try JSONSerialization.data(withJSONObject: entry)
                partners.append(try JSONDecoder().decode(Partner.self, from: data))
            } catch let error as DecodingError {
                throw PartnersFileError(file: file, message: "partner \(index + 1)\(name.map { " (\($0))" } ?? ""): \(Self.describe(error))")
            } catch {
                throw PartnersFileError(file: file, message: "partner \(index + 1) is not an object")
            }
        }
        var seen = Set<String>()
        for partner in partners where !seen.insert(partner.id).inserted {
            throw PartnersFileError(file: file, message: "partner id \(partner.id) appears twice")
        }
        do { _ = try PartnerBook(partners) } catch { throw PartnersFileError(file: file, message: error.message) }
        return partners
    }

    static func describe(_ error: DecodingError) -> String {
        let (field, reason) = error.fieldAndReason
        return field.isEmpty ? reason : "\(field): \(reason)"
    }
}
