public import Foundation
public import TrellisCore

/// Partner agencies' entries, their signing secrets sealed apart.
extension SQLStore {
    public func savePartner(_ partner: Partner, context: AuditContext) async throws {
        let stored = try PartnerDocument.seal(partner, with: configuration.cipher)
        try await change { session, audit in
            // One organization has one partner: another partner's entry gives up the organizations this one takes.
            for row in try await session.rows("""
                SELECT DISTINCT p.id, p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id
                WHERE o.organization_id IN \(list: partner.organizations) AND p.id <> \(partner.id) ORDER BY p.id
                """) {
                var other = try PartnerDocument.decodePlain(try row[1])
                let given = other.organizations.filter { partner.organizations.contains($0) }
                other.organizations.removeAll { partner.organizations.contains($0) }
                if other.organizations.isEmpty {
                    // Left answering for nobody, it is no partner any more.
                    try await session.execute("DELETE FROM partner_organization WHERE partner_id = \(other.id)")
                    try await session.execute("DELETE FROM partner WHERE id = \(other.id)")
                    audit.record(context.entry(.delete, "partner", other.id, purpose: "operations",
                                               detail: "its organizations \(given.joined(separator: ",")) went to \(partner.id)"))
                } else {
                    try await session.execute("UPDATE partner SET document = \(try PartnerDocument.encode(other)), updated_at = \(context.now) WHERE id = \(other.id)")
                    audit.record(context.entry(.update, "partner", other.id, purpose: "operations",
                                               detail: "gave up \(given.joined(separator: ",")) to \(partner.id)"))
                }
            }
            try await session.execute("""
                INSERT INTO partner (id, document, sealed_secrets, updated_at) VALUES (\(partner.id), \(stored.document), \(stored.sealedSecrets), \(context.now))
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at
                """)
            try await session.execute("DELETE FROM partner_organization WHERE partner_id = \(partner.id)")
            for organization in Set(partner.organizations).sorted() {
                try await session.execute("""
                    INSERT INTO partner_organization (organization_id, partner_id) VALUES (\(organization), \(partner.id))
                    ON CONFLICT (organization_id) DO UPDATE SET partner_id = excluded.partner_id
                    """)
            }
            audit.record(context.entry(.update, "partner", partner.id, purpose: "operations"))
        }
    }

    public func removePartner(id: String, context: AuditContext) async throws -> Bool {
        try await change { session, audit in
            try await session.execute("DELETE FROM partner_organization WHERE partner_id = \(id)")
            let removed = try await session.changed("DELETE FROM partner WHERE id = \(id) RETURNING id")
            audit.record(context.entry(.delete, "partner", id, outcome: removed ? .success : .failure, purpose: "operations",
                                       detail: removed ? nil : "no such partner"))
            return removed
        }
    }

    public func partners() async throws -> [Partner] {
        let cipher = configuration.cipher
        return try await plainRead { session in
            try await session.rows("SELECT document, sealed_secrets FROM partner ORDER BY id").map { row in
                try PartnerDocument.open(document: try row[0], sealedSecrets: try row[1], with: cipher)
            }
        }
    }

    public func partner(answeringFor organizationID: String) async throws -> Partner? {
        let cipher = configuration.cipher
        return try await plainRead { session in
            try await session.firstRow("""
                SELECT p.document, p.sealed_secrets FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = \(organizationID)
                """).map { row in try PartnerDocument.open(document: try row[0], sealedSecrets: try row[1], with: cipher) }
        }
    }
}
