/// An agency or provider organization.
public struct Organization: Identifiable, Hashable, Codable, Sendable {
    /// The organization's own key in its directory (e.g. `ORG-42`), which partners and consents name.
    public var id: String
    public var name: String
    public var description: String?
    public var url: String?
    public var email: String?
    /// The parent organization's id, for agencies nested in agencies.
    public var parentID: String?

    public init(id: String, name: String, description: String? = nil, url: String? = nil,
                email: String? = nil, parentID: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.url = url
        self.email = email
        self.parentID = parentID
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, url, email
        case parentID = "parent_id"
    }
}
