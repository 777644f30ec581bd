-- Tenants, and the append-only audit log that security events go to.
CREATE TABLE tenants (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL,              -- equals id: every row carries tenant_id
    name         text NOT NULL,
    display_name text NOT NULL,
    created_at   bigint NOT NULL,
    disabled_at  bigint
);
CREATE UNIQUE INDEX tenants_name ON tenants (lower(name));

CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL,
    occurred_at bigint NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    address     text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_by_tenant_time ON audit_events (tenant_id, occurred_at);

CREATE FUNCTION atom_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION atom_append_only();

-- Row-level security: a transaction sees only the tenant it set (atom.tenant_id), unless it runs
-- platform-level work (atom.platform = on). FORCE applies the policy to the table owner too.
CREATE FUNCTION atom_tenant_visible(row_tenant text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT current_setting('atom.platform', true) = 'on'
        OR row_tenant = current_setting('atom.tenant_id', true)
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
