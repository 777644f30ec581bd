-- Identity: users and their roles, groups, service accounts, API keys, refresh tokens, MFA recovery
-- codes, token signing keys, sign-in throttling and idempotent replies. Platform-level rows (signing
-- keys, throttle counters) carry tenant_id '*'. Timestamps are unix milliseconds.
CREATE TABLE users (
    id             text PRIMARY KEY,
    tenant_id      text NOT NULL REFERENCES tenants (id),
    email          text NOT NULL,
    display_name   text NOT NULL,
    password_hash  text,                      -- NULL: no password sign-in (API keys or SSO only)
    platform_admin boolean NOT NULL DEFAULT false,
    disabled_at    bigint,
    mfa_secret     text,                      -- base32 TOTP secret; set at enrolment, active once mfa_enabled_at is set
    mfa_enabled_at bigint,
    mfa_last_step  bigint,                   -- the last accepted TOTP time step: a code is never accepted twice
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email));

CREATE TABLE user_roles (
    tenant_id text NOT NULL,
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      text NOT NULL,                  -- guest, member, auditor, admin, owner
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_by_tenant ON user_roles (tenant_id, user_id);

CREATE TABLE groups (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    display_name text NOT NULL,
    created_at   bigint NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (tenant_id, lower(name));

CREATE TABLE group_members (
    tenant_id text NOT NULL,
    group_id  text NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at  bigint NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (tenant_id, user_id);

CREATE TABLE service_accounts (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    display_name text NOT NULL,
    created_at   bigint NOT NULL,
    disabled_at  bigint
);
CREATE UNIQUE INDEX service_accounts_name ON service_accounts (tenant_id, lower(name));

CREATE TABLE service_account_roles (
    tenant_id          text NOT NULL,
    service_account_id text NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    role               text NOT NULL,
    PRIMARY KEY (service_account_id, role)
);

CREATE TABLE api_keys (
    id             text PRIMARY KEY,
    tenant_id      text NOT NULL REFERENCES tenants (id),
    principal_id   text NOT NULL,             -- a user or a service account, by principal_kind
    principal_kind text NOT NULL CHECK (principal_kind IN ('user', 'service_account')),
    name           text NOT NULL,
    prefix         text NOT NULL,             -- the public part of the secret, to recognise a key in lists
    secret_hash    text NOT NULL UNIQUE,      -- SHA-256 of the whole secret, hex
    scopes         text NOT NULL DEFAULT '',  -- space-separated; empty: everything the principal may do
    created_at     bigint NOT NULL,
    expires_at     bigint,
    last_used_at   bigint,
    revoked_at     bigint
);
CREATE INDEX api_keys_by_principal ON api_keys (tenant_id, principal_id);

CREATE TABLE refresh_tokens (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id),
    family_id  text NOT NULL,                 -- every token rotated from one sign-in
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,          -- SHA-256 of the token, hex
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at    bigint,
    revoked_at bigint
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (tenant_id, user_id);

CREATE TABLE recovery_codes (
    tenant_id text NOT NULL,
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at   bigint,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    tenant_id   text NOT NULL DEFAULT '*',
    algorithm   text NOT NULL,                -- ES256
    private_key text NOT NULL,                -- PKCS#8, base64
    public_key  text NOT NULL,                -- SubjectPublicKeyInfo, base64
    created_at  bigint NOT NULL,
    retire_at   bigint                       -- signs nothing after this; validates until its tokens expired
);

CREATE TABLE sign_in_throttle (
    key          text PRIMARY KEY,            -- account:<tenant>:<email> or address:<ip>
    tenant_id    text NOT NULL DEFAULT '*',
    failures     bigint NOT NULL,
    window_start bigint NOT NULL,
    locked_until bigint
);

CREATE TABLE idempotency_keys (
    tenant_id    text NOT NULL,
    principal_id text NOT NULL,
    request_id   text NOT NULL,
    method       text NOT NULL,
    response     bytea NOT NULL,
    created_at   bigint NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, request_id, method)
);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);

-- Row-level security on every table, as in 0001: platform rows (tenant_id '*') are visible to platform work only.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_roles USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE groups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON groups USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON group_members USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE service_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON service_accounts USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE service_account_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_account_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON service_account_roles USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON refresh_tokens USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON recovery_codes USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE signing_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signing_keys USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE sign_in_throttle ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_throttle FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sign_in_throttle USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
