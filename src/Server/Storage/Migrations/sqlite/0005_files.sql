-- Files: resumable uploads with the chunks they hold so far, and stored files with what processing found.
-- An upload's bytes live in a staging file under the data directory; upload_chunks records each chunk only after
-- its bytes were written and flushed there, so after a crash the rows say exactly which bytes are safe.
-- A completed upload becomes a files row whose content is a blob, addressed by its sha256 (blobs are shared by
-- identical files, so one is deleted only when no file of any tenant still refers to it).
-- Timestamps are unix milliseconds; metadata is JSON text.
CREATE TABLE uploads (
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    id              TEXT NOT NULL,
    owner_id        TEXT NOT NULL,
    request_id      TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL,
    declared_type   TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL DEFAULT '',   -- declared; '' when the client did not declare one
    room_id         TEXT NOT NULL DEFAULT '',
    folder          TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completed', 'cancelled', 'expired')),
    committed_bytes INTEGER NOT NULL DEFAULT 0,
    file_id         TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX uploads_request ON uploads (tenant_id, owner_id, request_id) WHERE request_id <> '';
CREATE INDEX uploads_open_by_owner ON uploads (tenant_id, owner_id) WHERE state = 'open';
CREATE INDEX uploads_open_by_expiry ON uploads (expires_at) WHERE state = 'open';

CREATE TABLE upload_chunks (
    tenant_id  TEXT NOT NULL,
    upload_id  TEXT NOT NULL,
    "offset"   INTEGER NOT NULL,
    length     INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, upload_id, "offset"),
    FOREIGN KEY (tenant_id, upload_id) REFERENCES uploads (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE files (
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    id             TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    name           TEXT NOT NULL,
    folder         TEXT NOT NULL DEFAULT '',
    room_id        TEXT NOT NULL DEFAULT '',
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    declared_type  TEXT NOT NULL DEFAULT '',
    media_type     TEXT NOT NULL DEFAULT '',
    type_label     TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL CHECK (state IN ('processing', 'pending_scan', 'ready', 'quarantined', 'rejected', 'unreadable', 'failed')),
    problem        TEXT NOT NULL DEFAULT '',
    scan_verdict   TEXT NOT NULL DEFAULT '' CHECK (scan_verdict IN ('', 'clean', 'infected')),
    scan_signature TEXT NOT NULL DEFAULT '',
    scan_engine    TEXT NOT NULL DEFAULT '',
    scanned_at     INTEGER,
    metadata       TEXT NOT NULL DEFAULT '{}',
    text           TEXT NOT NULL DEFAULT '',
    text_truncated INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    processed_at   INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX files_by_time ON files (tenant_id, created_at, id);
CREATE INDEX files_by_owner ON files (tenant_id, owner_id, created_at);
CREATE INDEX files_by_room ON files (tenant_id, room_id, created_at) WHERE room_id <> '';
CREATE INDEX files_by_sha256 ON files (sha256);
