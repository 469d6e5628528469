public import Foundation

/// A service agencies keep rejecting referrals to for a reason that says its record is wrong (no
/// capacity, not eligible): the 211 curator's list of records to fix.
public struct RejectedService: Codable, Hashable, Sendable {
    public var serviceID: String
    public var serviceName: String?
    public var organizationID: String
    public var organizationName: String?
    public var noCapacity: Int
    public var notEligible: Int
    public var total: Int { noCapacity + notEligible }

    public init(serviceID: String, serviceName: String?, organizationID: String, organizationName: String?, noCapacity: Int, notEligible: Int) {
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.organizationID = organizationID
        self.organizationName = organizationName
        self.noCapacity = noCapacity
        self.notEligible = notEligible
    }

    enum CodingKeys: String, CodingKey {
        case serviceID = "service_id", serviceName = "service_name", organizationID = "organization_id"
        case organizationName = "organization_name", noCapacity = "no_capacity", notEligible = "not_eligible", total
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serviceID = try c.decode(String.self, forKey: .serviceID)
        serviceName = try c.decodeIfPresent(String.self, forKey: .serviceName)
        organizationID = try c.decode(String.self, forKey: .organizationID)
        organizationName = try c.decodeIfPresent(String.self, forKey: .organizationName)
        noCapacity = try c.decode(Int.self, forKey: .noCapacity)
        notEligible = try c.decode(Int.self, forKey: .notEligible)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(serviceID, forKey: .serviceID)
        try c.encodeIfPresent(serviceName, forKey: .serviceName)
        try c.encode(organizationID, forKey: .organizationID)
        try c.encodeIfPresent(organizationName, forKey: .organizationName)
        try c.encode(noCapacity, forKey: .noCapacity)
        try c.encode(notEligible, forKey: .notEligible)
        try c.encode(total, forKey: .total)
    }
}
