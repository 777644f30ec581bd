-- Voice: each user's voice profile (how Synthesize speaks to them when a request does not say).
CREATE TABLE voice_profiles (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    user_id    text NOT NULL,
    voice      text NOT NULL DEFAULT '',
    rate       real NOT NULL DEFAULT 0,
    pitch      real NOT NULL DEFAULT 0,
    updated_at bigint NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- Row-level security on every table, as in 0001.
ALTER TABLE voice_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE voice_profiles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON voice_profiles USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
