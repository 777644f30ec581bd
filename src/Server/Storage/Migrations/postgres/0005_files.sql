-- Files: resumable uploads with the chunks they hold so far, and stored files with what processing found.
-- An upload's bytes live in a staging file under the data directory; upload_chunks records each chunk only after
-- its bytes were written and flushed there, so after a crash the rows say exactly which bytes are safe.
-- A completed upload becomes a files row whose content is a blob, addressed by its sha256 (blobs are shared by
-- identical files, so one is deleted only when no file of any tenant still refers to it).
-- Timestamps are unix milliseconds; metadata is JSON text.
CREATE TABLE uploads (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    owner_id        text NOT NULL,
    request_id      text NOT NULL DEFAULT '',
    name            text NOT NULL,
    declared_type   text NOT NULL,
    size            bigint NOT NULL,
    sha256          text NOT NULL DEFAULT '',   -- declared; '' when the client did not declare one
    room_id         text NOT NULL DEFAULT '',
    folder          text NOT NULL DEFAULT '',
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'completed', 'cancelled', 'expired')),
    committed_bytes bigint NOT NULL DEFAULT 0,
    file_id         text,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL,
    expires_at      bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX uploads_request ON uploads (tenant_id, owner_id, request_id) WHERE request_id <> '';
CREATE INDEX uploads_open_by_owner ON uploads (tenant_id, owner_id) WHERE state = 'open';
CREATE INDEX uploads_open_by_expiry ON uploads (expires_at) WHERE state = 'open';

CREATE TABLE upload_chunks (
    tenant_id  text NOT NULL,
    upload_id  text NOT NULL,
    "offset"   bigint NOT NULL,
    length     bigint NOT NULL,
    sha256     text NOT NULL,
    PRIMARY KEY (tenant_id, upload_id, "offset"),
    FOREIGN KEY (tenant_id, upload_id) REFERENCES uploads (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE files (
    tenant_id      text NOT NULL REFERENCES tenants (id),
    id             text NOT NULL,
    owner_id       text NOT NULL,
    name           text NOT NULL,
    folder         text NOT NULL DEFAULT '',
    room_id        text NOT NULL DEFAULT '',
    size           bigint NOT NULL,
    sha256         text NOT NULL,
    declared_type  text NOT NULL DEFAULT '',
    media_type     text NOT NULL DEFAULT '',
    type_label     text NOT NULL DEFAULT '',
    category       text NOT NULL DEFAULT '',
    state          text NOT NULL CHECK (state IN ('processing', 'pending_scan', 'ready', 'quarantined', 'rejected', 'unreadable', 'failed')),
    problem        text NOT NULL DEFAULT '',
    scan_verdict   text NOT NULL DEFAULT '' CHECK (scan_verdict IN ('', 'clean', 'infected')),
    scan_signature text NOT NULL DEFAULT '',
    scan_engine    text NOT NULL DEFAULT '',
    scanned_at     bigint,
    metadata       text NOT NULL DEFAULT '{}',
    text           text NOT NULL DEFAULT '',
    text_truncated boolean NOT NULL DEFAULT false,
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL,
    processed_at   bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX files_by_time ON files (tenant_id, created_at, id);
CREATE INDEX files_by_owner ON files (tenant_id, owner_id, created_at);
CREATE INDEX files_by_room ON files (tenant_id, room_id, created_at) WHERE room_id <> '';
CREATE INDEX files_by_sha256 ON files (sha256);

-- Row-level security on every table, as in 0001.
ALTER TABLE uploads ENABLE ROW LEVEL SECURITY;
ALTER TABLE uploads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON uploads USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE upload_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE upload_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON upload_chunks USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE files ENABLE ROW LEVEL SECURITY;
ALTER TABLE files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON files USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
