-- Identity: users and their roles, groups, service accounts, API keys, refresh tokens, MFA recovery
-- codes, token signing keys, sign-in throttling and idempotent replies. Platform-level rows (signing
-- keys, throttle counters) carry tenant_id '*'. Booleans are INTEGER 0/1; timestamps unix milliseconds.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    email          TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    password_hash  TEXT,                      -- NULL: no password sign-in (API keys or SSO only)
    platform_admin INTEGER NOT NULL DEFAULT 0,
    disabled_at    INTEGER,
    mfa_secret     TEXT,                      -- base32 TOTP secret; set at enrolment, active once mfa_enabled_at is set
    mfa_enabled_at INTEGER,
    mfa_last_step  INTEGER,                   -- the last accepted TOTP time step: a code is never accepted twice
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email COLLATE NOCASE);

CREATE TABLE user_roles (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL,                  -- guest, member, auditor, admin, owner
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_by_tenant ON user_roles (tenant_id, user_id);

CREATE TABLE groups (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (tenant_id, name COLLATE NOCASE);

CREATE TABLE group_members (
    tenant_id TEXT NOT NULL,
    group_id  TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (tenant_id, user_id);

CREATE TABLE service_accounts (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER
);
CREATE UNIQUE INDEX service_accounts_name ON service_accounts (tenant_id, name COLLATE NOCASE);

CREATE TABLE service_account_roles (
    tenant_id          TEXT NOT NULL,
    service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    role               TEXT NOT NULL,
    PRIMARY KEY (service_account_id, role)
);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    principal_id   TEXT NOT NULL,             -- a user or a service account, by principal_kind
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'service_account')),
    name           TEXT NOT NULL,
    prefix         TEXT NOT NULL,             -- the public part of the secret, to recognise a key in lists
    secret_hash    TEXT NOT NULL UNIQUE,      -- SHA-256 of the whole secret, hex
    scopes         TEXT NOT NULL DEFAULT '',  -- space-separated; empty: everything the principal may do
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    last_used_at   INTEGER,
    revoked_at     INTEGER
);
CREATE INDEX api_keys_by_principal ON api_keys (tenant_id, principal_id);

CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    family_id  TEXT NOT NULL,                 -- every token rotated from one sign-in
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,          -- SHA-256 of the token, hex
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (tenant_id, user_id);

CREATE TABLE recovery_codes (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL DEFAULT '*',
    algorithm   TEXT NOT NULL,                -- ES256
    private_key TEXT NOT NULL,                -- PKCS#8, base64
    public_key  TEXT NOT NULL,                -- SubjectPublicKeyInfo, base64
    created_at  INTEGER NOT NULL,
    retire_at   INTEGER                       -- signs nothing after this; validates until its tokens expired
);

CREATE TABLE sign_in_throttle (
    key          TEXT PRIMARY KEY,            -- account:<tenant>:<email> or address:<ip>
    tenant_id    TEXT NOT NULL DEFAULT '*',
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER
);

CREATE TABLE idempotency_keys (
    tenant_id    TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    method       TEXT NOT NULL,
    response     BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, request_id, method)
);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);
