/// Rejected services grouped per organization, as `directory stats` and the administrator's page list them.
public enum RejectedServiceGroups {
    public struct Organization: Encodable, Sendable {
        public var id: String
        public var name: String?
        public var services: [RejectedService]

        enum CodingKeys: String, CodingKey { case services, id = "organization_id", name = "organization_name" }
    }

    /// One entry per organization, by id; its services most rejected first.
    public static func organizations(_ services: [RejectedService]) -> [Organization] {
        Dictionary(grouping: services, by: \.organizationID).sorted { $0.key < $1.key }.map { id, services in
            Organization(id: id, name: services.lazy.compactMap(\.organizationName).first,
                         services: services.sorted { ($1.total, $0.serviceID) < ($0.total, $1.serviceID) })
        }
    }

    public static func byOrganization(_ services: [RejectedService]) -> [(Organization, [RejectedService])] {
        organizations(services).map { ($0, $0.services) }
    }
}
