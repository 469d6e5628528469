import Foundation
import Logging
import PostgresNIO

/// The store's tables in PostgreSQL, as versioned migrations after the audit log's own. The same
/// tables as in SQLite, in PostgreSQL's types.
enum PostgresSchema {
    /// `cipher` seals what a migration moves into sealed form (partners' signing secrets).
    static func migrator(cipher: PersonCipher) -> PostgresMigrator {
        var migrator = PostgresDatabase.auditMigrator
        migrator.register("store-1: directory, people, referrals, consent, outbox, partners, users", [
            """
            CREATE TABLE directory_snapshot (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                imported_at timestamptz NOT NULL,
                actor text NOT NULL,
                files text NOT NULL,
                service_count integer NOT NULL)
            """,
            """
            CREATE TABLE directory_service (
                id text PRIMARY KEY,
                organization_id text NOT NULL,
                snapshot_id bigint NOT NULL REFERENCES directory_snapshot(id),
                document text NOT NULL)
            """,
            "CREATE INDEX directory_service_organization ON directory_service(organization_id)",
            """
            CREATE TABLE person (
                id text PRIMARY KEY,
                ref text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                sealed_name bytea,
                sealed_phone bytea,
                sealed_email bytea)
            """,
            """
            CREATE TABLE needs_profile (
                id text PRIMARY KEY,
                person_id text NOT NULL REFERENCES person(id),
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                sealed_document bytea NOT NULL)
            """,
            """
            CREATE TABLE consent (
                id text PRIMARY KEY,
                person_id text NOT NULL REFERENCES person(id),
                recipient text NOT NULL,
                categories text NOT NULL,
                method text NOT NULL,
                captured_by text NOT NULL,
                captured_at timestamptz NOT NULL,
                expires_at timestamptz,
                revoked_at timestamptz,
                revoked_by text)
            """,
            """
            CREATE TABLE referral (
                id text PRIMARY KEY,
                status text NOT NULL,
                service_id text NOT NULL,
                organization_id text NOT NULL,
                person_id text NOT NULL REFERENCES person(id),
                person_ref text NOT NULL,
                profile_id text NOT NULL REFERENCES needs_profile(id),
                consent_id text NOT NULL REFERENCES consent(id),
                need_domains text NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                requested_at timestamptz,
                respond_by timestamptz,
                first_answered_at timestamptz,
                updated_at timestamptz NOT NULL,
                version integer NOT NULL,
                sealed_note bytea)
            """,
            "CREATE INDEX referral_status ON referral(status, respond_by)",
            "CREATE INDEX referral_organization ON referral(organization_id, requested_at)",
            "CREATE INDEX referral_created ON referral(created_at)",
            """
            CREATE TABLE referral_history (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                referral_id text NOT NULL REFERENCES referral(id),
                at timestamptz NOT NULL,
                actor text NOT NULL,
                party text NOT NULL,
                from_status text,
                to_status text NOT NULL,
                reason text,
                source text NOT NULL)
            """,
            "CREATE INDEX referral_history_referral ON referral_history(referral_id, id)",
            """
            CREATE TABLE outbox (
                referral_id text PRIMARY KEY REFERENCES referral(id),
                idempotency_key text NOT NULL UNIQUE,
                state text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz,
                lease_until timestamptz,
                lease_owner text,
                last_error text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX outbox_due ON outbox(state, next_attempt_at)",
            """
            CREATE TABLE delivery_attempt (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                referral_id text NOT NULL REFERENCES referral(id),
                at timestamptz NOT NULL,
                duration_ms double precision NOT NULL,
                http_status integer,
                error_class text,
                response_excerpt text,
                outcome text NOT NULL)
            """,
            "CREATE INDEX delivery_attempt_referral ON delivery_attempt(referral_id, id)",
            """
            CREATE TABLE partner (
                id text PRIMARY KEY,
                document text NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE partner_organization (
                organization_id text PRIMARY KEY,
                partner_id text NOT NULL REFERENCES partner(id) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE app_user (
                id text PRIMARY KEY,
                name text NOT NULL,
                role text NOT NULL,
                organization_id text NOT NULL,
                password_hash text,
                created_at timestamptz NOT NULL,
                disabled_at timestamptz)
            """,
            """
            CREATE TABLE api_token (
                id text PRIMARY KEY,
                user_id text NOT NULL REFERENCES app_user(id),
                token_hash bytea NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                expires_at timestamptz,
                last_used_at timestamptz,
                revoked_at timestamptz)
            """,
        ])
        migrator.register("store-2: status messages received from partners, for replay refusal", [
            """
            CREATE TABLE partner_message (
                partner_id text NOT NULL,
                message_id text NOT NULL,
                referral_id text NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (partner_id, message_id))
            """,
        ])
        migrator.register("store-3: the referring organization, whose case workers see the referral", [
            "ALTER TABLE referral ADD COLUMN referrer_organization_id text",
            "CREATE INDEX referral_referrer ON referral(referrer_organization_id, created_at)",
        ])
        migrator.register("store-4: the client's key for a referral it creates, so a retried creation makes one referral", [
            "ALTER TABLE referral ADD COLUMN request_key text",
            "CREATE UNIQUE INDEX referral_request_key ON referral(created_by, request_key) WHERE request_key IS NOT NULL",
        ])
        migrator.register("store-5: a person is one organization's client: identified by (referring organization, reference)", [
            "ALTER TABLE person ADD COLUMN organization_id text NOT NULL DEFAULT ''",
            "UPDATE person p SET organization_id = \(PersonIdentity.firstReferrerSQL)",
            "ALTER TABLE person DROP CONSTRAINT person_ref_key",
            "CREATE UNIQUE INDEX person_organization_ref ON person(organization_id, ref)",
        ])
        migrator.register("store-6: what kind of token (web session or API), and tokens by user", [
            "ALTER TABLE api_token ADD COLUMN kind text NOT NULL DEFAULT 'api'",
            "CREATE INDEX api_token_user ON api_token(user_id, created_at)",
        ])
        migrator.register("store-7: partners' signing secrets sealed with the data key", [
            "ALTER TABLE partner ADD COLUMN sealed_secrets bytea",
        ]) { connection, logger in
            var stored: [(String, PartnerDocument.Stored)] = []
            for try await (id, document) in try await connection.query("SELECT id, document FROM partner", logger: logger).decode((String, String).self) {
                stored.append((id, try PartnerDocument.seal(PartnerDocument.decodePlain(document), with: cipher)))
            }
            for (id, row) in stored {
                try await connection.query("UPDATE partner SET document = \(row.document), sealed_secrets = \(row.sealedSecrets) WHERE id = \(id)",
                                           logger: logger)
            }
        }
        migrator.register("store-8: a web session's idle limit (automatic log-off), kept with its token", [
            "ALTER TABLE api_token ADD COLUMN idle_seconds bigint",
        ])
        migrator.register("store-9: agency users' organizations, referrals kept in an inbox, who opened them, notices, capacity reported by agencies", [
            """
            CREATE TABLE user_organization (
                user_id text NOT NULL REFERENCES app_user(id),
                organization_id text NOT NULL,
                PRIMARY KEY (user_id, organization_id))
            """,
            "ALTER TABLE app_user ADD COLUMN notify_email text",
            "ALTER TABLE referral ADD COLUMN delivery_channel text NOT NULL DEFAULT 'endpoint'",
            """
            CREATE TABLE inbox_view (
                referral_id text NOT NULL REFERENCES referral(id),
                user_id text NOT NULL,
                opened_at timestamptz NOT NULL,
                PRIMARY KEY (referral_id, user_id))
            """,
            """
            CREATE TABLE notice (
                id text PRIMARY KEY,
                kind text NOT NULL,
                organization_id text NOT NULL,
                recipient text NOT NULL,
                dedupe_key text NOT NULL UNIQUE,
                state text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                lease_owner text,
                lease_until timestamptz,
                last_error text,
                message_id text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX notice_due ON notice(state, next_attempt_at)",
            """
            CREATE TABLE capacity_report (
                service_id text PRIMARY KEY,
                available integer,
                waitlist integer,
                reported_at timestamptz NOT NULL,
                reported_by text NOT NULL)
            """,
        ])
        migrator.register(DirectorySources.migrationName, [
            "ALTER TABLE directory_service ADD COLUMN source text",
            "ALTER TABLE directory_service ADD COLUMN fingerprint text",
            "ALTER TABLE directory_service ADD COLUMN withdrawn_at timestamptz",
            "CREATE INDEX directory_service_source ON directory_service(source)",
            "ALTER TABLE directory_snapshot ADD COLUMN source text",
            "ALTER TABLE directory_snapshot ADD COLUMN replaced_source boolean NOT NULL DEFAULT false",
            "ALTER TABLE directory_snapshot ADD COLUMN added integer",
            "ALTER TABLE directory_snapshot ADD COLUMN updated integer",
            "ALTER TABLE directory_snapshot ADD COLUMN unchanged integer",
            "ALTER TABLE directory_snapshot ADD COLUMN withdrawn integer",
        ]) { connection, logger in
            // Services stored before sources were named belong to their record's own source.
            var sources: [(String, String)] = []
            for try await (id, document) in try await connection.query("SELECT id, document FROM directory_service", logger: logger).decode((String, String).self) {
                sources.append((id, try DirectoryDocuments.provenanceSource(document)))
            }
            for (id, source) in sources {
                try await connection.query("UPDATE directory_service SET source = \(source) WHERE id = \(id)", logger: logger)
            }
        }
        migrator.register(ReferralProfileFacts.migrationName, [
            "ALTER TABLE referral ADD COLUMN age_band text",
            "ALTER TABLE referral ADD COLUMN primary_language text",
            "ALTER TABLE referral ADD COLUMN interpreter_needed boolean",
            "ALTER TABLE referral ADD COLUMN highest_urgency text",
        ]) { connection, logger in
            var facts: [(String, ReferralProfileFacts)] = []
            let rows = try await connection.query("SELECT r.id, n.id, n.sealed_document FROM referral r JOIN needs_profile n ON n.id = r.profile_id",
                                                  logger: logger).decode((String, String, Data).self)
            for try await (referral, profile, sealed) in rows {
                // A profile this key cannot open keeps its facts unknown rather than stopping the server from starting.
                if let opened = try? ReferralProfileFacts(sealedProfile: sealed, profileID: profile, cipher: cipher) { facts.append((referral, opened)) }
            }
            for (id, f) in facts {
                try await connection.query("""
                    UPDATE referral SET age_band = \(f.ageBand), primary_language = \(f.primaryLanguage), interpreter_needed = \(f.interpreterNeeded),
                        highest_urgency = \(f.highestUrgency) WHERE id = \(id)
                    """, logger: logger)
            }
        }
        migrator.register(ReferralFollowThrough.migrationName, ReferralFollowThrough.statements(blob: "bytea", timestamp: "timestamptz"))
        migrator.register("store-12a: outbound partner messages (consent revoked, case workers' messages), messages on referrals (sealed), consent expiry handled", [
            """
            CREATE TABLE partner_outbound (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                referral_id text NOT NULL REFERENCES referral(id),
                kind text NOT NULL,
                message_id text,
                reason text,
                idempotency_key text NOT NULL UNIQUE,
                state text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz,
                lease_owner text,
                lease_until timestamptz,
                last_error text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX partner_outbound_due ON partner_outbound(state, next_attempt_at)",
            "CREATE INDEX partner_outbound_referral ON partner_outbound(referral_id, seq)",
            """
            CREATE TABLE partner_outbound_attempt (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                outbound_id text NOT NULL REFERENCES partner_outbound(id),
                at timestamptz NOT NULL,
                duration_ms double precision NOT NULL,
                http_status integer,
                error_class text,
                response_excerpt text,
                outcome text NOT NULL)
            """,
            "CREATE INDEX partner_outbound_attempt_outbound ON partner_outbound_attempt(outbound_id, id)",
            """
            CREATE TABLE referral_message (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                referral_id text NOT NULL REFERENCES referral(id),
                from_party text NOT NULL,
                author text NOT NULL,
                sealed_text bytea NOT NULL,
                contains_personal_information boolean NOT NULL,
                created_at timestamptz NOT NULL)
            """,
            "CREATE INDEX referral_message_referral ON referral_message(referral_id, seq)",
            "ALTER TABLE consent ADD COLUMN expiry_handled_at timestamptz",
            "CREATE INDEX consent_expiry ON consent(expires_at)",
        ])
        migrator.register(ReferralFollowThrough.backfillName, ReferralFollowThrough.backfillStatements)
        migrator.register(SupporterRows.migrationName, SupporterRows.postgresMigration)
        return migrator
    }
}
