-- Voice: each user's voice profile (how Synthesize speaks to them when a request does not say).
CREATE TABLE voice_profiles (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    user_id    TEXT NOT NULL,
    voice      TEXT NOT NULL DEFAULT '',
    rate       REAL NOT NULL DEFAULT 0,
    pitch      REAL NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
