import GRDB

/// The store's tables in SQLite, as versioned migrations after the audit log's own.
enum SQLiteSchema {
    /// `cipher` seals what a migration moves into sealed form (partners' signing secrets).
    static func migrator(cipher: PersonCipher) -> DatabaseMigrator {
        var migrator = SQLiteDatabase.auditMigrator
        migrator.registerMigration("store-1: directory, people, referrals, consent, outbox, partners, users") { db in
            try db.execute(sql: """
                CREATE TABLE directory_snapshot (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    imported_at DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    files TEXT NOT NULL,
                    service_count INTEGER NOT NULL);
                CREATE TABLE directory_service (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL,
                    snapshot_id INTEGER NOT NULL REFERENCES directory_snapshot(id),
                    document TEXT NOT NULL);
                CREATE INDEX directory_service_organization ON directory_service(organization_id);

                CREATE TABLE person (
                    id TEXT PRIMARY KEY,
                    ref TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    sealed_name BLOB,
                    sealed_phone BLOB,
                    sealed_email BLOB);
                CREATE TABLE needs_profile (
                    id TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES person(id),
                    created_at DATETIME NOT NULL,
                    created_by TEXT NOT NULL,
                    sealed_document BLOB NOT NULL);
                CREATE TABLE consent (
                    id TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES person(id),
                    recipient TEXT NOT NULL,
                    categories TEXT NOT NULL,
                    method TEXT NOT NULL,
                    captured_by TEXT NOT NULL,
                    captured_at DATETIME NOT NULL,
                    expires_at DATETIME,
                    revoked_at DATETIME,
                    revoked_by TEXT);
                CREATE TABLE referral (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL,
                    service_id TEXT NOT NULL,
                    organization_id TEXT NOT NULL,
                    person_id TEXT NOT NULL REFERENCES person(id),
                    person_ref TEXT NOT NULL,
                    profile_id TEXT NOT NULL REFERENCES needs_profile(id),
                    consent_id TEXT NOT NULL REFERENCES consent(id),
                    need_domains TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    created_by TEXT NOT NULL,
                    requested_at DATETIME,
                    respond_by DATETIME,
                    first_answered_at DATETIME,
                    updated_at DATETIME NOT NULL,
                    version INTEGER NOT NULL,
                    sealed_note BLOB);
                CREATE INDEX referral_status ON referral(status, respond_by);
                CREATE INDEX referral_organization ON referral(organization_id, requested_at);
                CREATE INDEX referral_created ON referral(created_at);
                CREATE TABLE referral_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    referral_id TEXT NOT NULL REFERENCES referral(id),
                    at DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    party TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    reason TEXT,
                    source TEXT NOT NULL);
                CREATE INDEX referral_history_referral ON referral_history(referral_id, id);
                CREATE TABLE outbox (
                    referral_id TEXT PRIMARY KEY REFERENCES referral(id),
                    idempotency_key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME,
                    lease_until DATETIME,
                    lease_owner TEXT,
                    last_error TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL);
                CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
                CREATE TABLE delivery_attempt (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    referral_id TEXT NOT NULL REFERENCES referral(id),
                    at DATETIME NOT NULL,
                    duration_ms REAL NOT NULL,
                    http_status INTEGER,
                    error_class TEXT,
                    response_excerpt TEXT,
                    outcome TEXT NOT NULL);
                CREATE INDEX delivery_attempt_referral ON delivery_attempt(referral_id, id);

                CREATE TABLE partner (
                    id TEXT PRIMARY KEY,
                    document TEXT NOT NULL,
                    updated_at DATETIME NOT NULL);
                CREATE TABLE partner_organization (
                    organization_id TEXT PRIMARY KEY,
                    partner_id TEXT NOT NULL REFERENCES partner(id) ON DELETE CASCADE);
                CREATE TABLE app_user (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    organization_id TEXT NOT NULL,
                    password_hash TEXT,
                    created_at DATETIME NOT NULL,
                    disabled_at DATETIME);
                CREATE TABLE api_token (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES app_user(id),
                    token_hash BLOB NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME,
                    last_used_at DATETIME,
                    revoked_at DATETIME);
                """)
        }
        migrator.registerMigration("store-2: status messages received from partners, for replay refusal") { db in
            try db.execute(sql: """
                CREATE TABLE partner_message (
                    partner_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    referral_id TEXT NOT NULL,
                    received_at DATETIME NOT NULL,
                    PRIMARY KEY (partner_id, message_id));
                """)
        }
        migrator.registerMigration("store-3: the referring organization, whose case workers see the referral") { db in
            try db.execute(sql: """
                ALTER TABLE referral ADD COLUMN referrer_organization_id TEXT;
                CREATE INDEX referral_referrer ON referral(referrer_organization_id, created_at);
                """)
        }
        migrator.registerMigration("store-4: the client's key for a referral it creates, so a retried creation makes one referral") { db in
            try db.execute(sql: """
                ALTER TABLE referral ADD COLUMN request_key TEXT;
                CREATE UNIQUE INDEX referral_request_key ON referral(created_by, request_key) WHERE request_key IS NOT NULL;
                """)
        }
        migrator.registerMigration("store-5: a person is one organization's client: identified by (referring organization, reference)") { db in
            // SQLite cannot drop the old UNIQUE (ref): the table is rebuilt (foreign keys are off while a migration runs).
            try db.execute(sql: """
                CREATE TABLE person_by_organization (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL,
                    ref TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    sealed_name BLOB,
                    sealed_phone BLOB,
                    sealed_email BLOB,
                    UNIQUE (organization_id, ref));
                INSERT INTO person_by_organization (id, organization_id, ref, created_at, updated_at, sealed_name, sealed_phone, sealed_email)
                    SELECT p.id, \(PersonIdentity.firstReferrerSQL), p.ref, p.created_at, p.updated_at, p.sealed_name, p.sealed_phone, p.sealed_email
                    FROM person p;
                DROP TABLE person;
                ALTER TABLE person_by_organization RENAME TO person;
                """)
        }
        migrator.registerMigration("store-6: what kind of token (web session or API), and tokens by user") { db in
            try db.execute(sql: """
                ALTER TABLE api_token ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
                CREATE INDEX api_token_user ON api_token(user_id, created_at);
                """)
        }
        migrator.registerMigration("store-7: partners' signing secrets sealed with the data key") { db in
            try db.execute(sql: "ALTER TABLE partner ADD COLUMN sealed_secrets BLOB")
            for row in try Row.fetchAll(db, sql: "SELECT id, document FROM partner") {
                let stored = try PartnerDocument.seal(PartnerDocument.decodePlain(row["document"]), with: cipher)
                try db.execute(sql: "UPDATE partner SET document = ?, sealed_secrets = ? WHERE id = ?",
                               arguments: [stored.document, stored.sealedSecrets, row["id"] as String])
            }
        }
        migrator.registerMigration("store-8: a web session's idle limit (automatic log-off), kept with its token") { db in
            try db.execute(sql: "ALTER TABLE api_token ADD COLUMN idle_seconds INTEGER")
        }
        migrator.registerMigration("store-9: agency users' organizations, referrals kept in an inbox, who opened them, notices, capacity reported by agencies") { db in
            try db.execute(sql: """
                CREATE TABLE user_organization (
                    user_id TEXT NOT NULL REFERENCES app_user(id),
                    organization_id TEXT NOT NULL,
                    PRIMARY KEY (user_id, organization_id));
                ALTER TABLE app_user ADD COLUMN notify_email TEXT;
                ALTER TABLE referral ADD COLUMN delivery_channel TEXT NOT NULL DEFAULT 'endpoint';
                CREATE TABLE inbox_view (
                    referral_id TEXT NOT NULL REFERENCES referral(id),
                    user_id TEXT NOT NULL,
                    opened_at DATETIME NOT NULL,
                    PRIMARY KEY (referral_id, user_id));
                CREATE TABLE notice (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    organization_id TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    dedupe_key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME NOT NULL,
                    lease_owner TEXT,
                    lease_until DATETIME,
                    last_error TEXT,
                    message_id TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL);
                CREATE INDEX notice_due ON notice(state, next_attempt_at);
                CREATE TABLE capacity_report (
                    service_id TEXT PRIMARY KEY,
                    available INTEGER,
                    waitlist INTEGER,
                    reported_at DATETIME NOT NULL,
                    reported_by TEXT NOT NULL);
                """)
        }
        migrator.registerMigration(DirectorySources.migrationName) { db in
            try db.execute(sql: """
                ALTER TABLE directory_service ADD COLUMN source TEXT;
                ALTER TABLE directory_service ADD COLUMN fingerprint TEXT;
                ALTER TABLE directory_service ADD COLUMN withdrawn_at DATETIME;
                CREATE INDEX directory_service_source ON directory_service(source);
                ALTER TABLE directory_snapshot ADD COLUMN source TEXT;
                ALTER TABLE directory_snapshot ADD COLUMN replaced_source INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE directory_snapshot ADD COLUMN added INTEGER;
                ALTER TABLE directory_snapshot ADD COLUMN updated INTEGER;
                ALTER TABLE directory_snapshot ADD COLUMN unchanged INTEGER;
                ALTER TABLE directory_snapshot ADD COLUMN withdrawn INTEGER;
                """)
            // Services stored before sources were named belong to their record's own source.
            for row in try Row.fetchAll(db, sql: "SELECT id, document FROM directory_service") {
                let source = try DirectoryDocuments.provenanceSource(row["document"])
                try db.execute(sql: "UPDATE directory_service SET source = ? WHERE id = ?", arguments: [source, row["id"] as String])
            }
        }
        migrator.registerMigration(ReferralProfileFacts.migrationName) { db in
            try db.execute(sql: """
                ALTER TABLE referral ADD COLUMN age_band TEXT;
                ALTER TABLE referral ADD COLUMN primary_language TEXT;
                ALTER TABLE referral ADD COLUMN interpreter_needed INTEGER;
                ALTER TABLE referral ADD COLUMN highest_urgency TEXT;
                """)
            for row in try Row.fetchAll(db, sql: "SELECT r.id, n.id, n.sealed_document FROM referral r JOIN needs_profile n ON n.id = r.profile_id") {
                // A profile this key cannot open keeps its facts unknown (reported as such) rather than
                // stopping every server from starting.
                guard let facts = try? ReferralProfileFacts(sealedProfile: row[2], profileID: row[1], cipher: cipher) else { continue }
                try db.execute(sql: "UPDATE referral SET age_band = ?, primary_language = ?, interpreter_needed = ?, highest_urgency = ? WHERE id = ?",
                               arguments: [facts.ageBand, facts.primaryLanguage, facts.interpreterNeeded, facts.highestUrgency, row[0] as String])
            }
        }
        migrator.registerMigration(ReferralFollowThrough.migrationName) { db in
            for statement in ReferralFollowThrough.statements(blob: "BLOB", timestamp: "DATETIME") { try db.execute(sql: statement) }
        }
        migrator.registerMigration("store-12a: outbound partner messages (consent revoked, case workers' messages), messages on referrals (sealed), consent expiry handled") { db in
            try db.execute(sql: """
                CREATE TABLE partner_outbound (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    referral_id TEXT NOT NULL REFERENCES referral(id),
                    kind TEXT NOT NULL,
                    message_id TEXT,
                    reason TEXT,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME,
                    lease_owner TEXT,
                    lease_until DATETIME,
                    last_error TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL);
                CREATE INDEX partner_outbound_due ON partner_outbound(state, next_attempt_at);
                CREATE INDEX partner_outbound_referral ON partner_outbound(referral_id, seq);
                CREATE TABLE partner_outbound_attempt (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    outbound_id TEXT NOT NULL REFERENCES partner_outbound(id),
                    at DATETIME NOT NULL,
                    duration_ms REAL NOT NULL,
                    http_status INTEGER,
                    error_class TEXT,
                    response_excerpt TEXT,
                    outcome TEXT NOT NULL);
                CREATE INDEX partner_outbound_attempt_outbound ON partner_outbound_attempt(outbound_id, id);
                CREATE TABLE referral_message (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    referral_id TEXT NOT NULL REFERENCES referral(id),
                    from_party TEXT NOT NULL,
                    author TEXT NOT NULL,
                    sealed_text BLOB NOT NULL,
                    contains_personal_information INTEGER NOT NULL,
                    created_at DATETIME NOT NULL);
                CREATE INDEX referral_message_referral ON referral_message(referral_id, seq);
                ALTER TABLE consent ADD COLUMN expiry_handled_at DATETIME;
                CREATE INDEX consent_expiry ON consent(expires_at);
                """)
        }
        migrator.registerMigration(ReferralFollowThrough.backfillName) { db in
            for statement in ReferralFollowThrough.backfillStatements { try db.execute(sql: statement) }
        }
        migrator.registerMigration(SupporterRows.migrationName) { db in
            try db.execute(sql: SupporterRows.sqliteMigration)
        }
        return migrator
    }
}
