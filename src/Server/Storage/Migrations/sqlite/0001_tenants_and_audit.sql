-- Tenants, and the append-only audit log that security events go to.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,               -- equals id: every row carries tenant_id
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    disabled_at INTEGER
);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    actor       TEXT NOT NULL,               -- user, service account or key id; 'system' for the server
    action      TEXT NOT NULL,               -- e.g. auth.sign_in.succeeded
    target      TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX audit_events_by_tenant_time ON audit_events (tenant_id, occurred_at);

-- Append-only: the store itself refuses to change or remove history.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
