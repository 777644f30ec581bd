-- Search: what is indexed (chunks of messages and files, with their full-text index and their embeddings), each
-- user's search history and settings.
-- A chunk carries what access and filters need (scope 'room:ID' for a room's messages and files, 'user:ID' for a
-- personal file), so a search never reads chat's or files' tables. Its embedding (float32, little-endian) is kept here
-- too: the vector index is a cache of these and is rebuilt from them when it is lost. The text search configuration is
-- the chunk's detected language ('simple' when none fits), so each text is stemmed by its own language's rules.
CREATE TABLE search_chunks (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    source_kind text NOT NULL CHECK (source_kind IN ('message', 'file')),
    source_id   text NOT NULL,
    chunk       integer NOT NULL,
    scope       text NOT NULL,
    room_id     text NOT NULL DEFAULT '',
    author_id   text NOT NULL,
    category    text NOT NULL DEFAULT '',
    media_type  text NOT NULL DEFAULT '',
    type_label  text NOT NULL DEFAULT '',
    title       text NOT NULL,
    body        text NOT NULL,
    language    regconfig NOT NULL DEFAULT 'english',
    sequence    bigint NOT NULL DEFAULT 0,
    created_at  bigint NOT NULL,
    embedding   bytea,
    -- A title is often a file name: PostgreSQL's parser would keep "q3-budget.pdf" as one token, so its punctuation is spaced out.
    tsv         tsvector GENERATED ALWAYS AS (setweight(to_tsvector(language, regexp_replace(title, '[._/\-]+', ' ', 'g')), 'A') || setweight(to_tsvector(language, body), 'B')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX search_chunks_by_source ON search_chunks (tenant_id, source_id);
CREATE INDEX search_chunks_unembedded ON search_chunks (tenant_id) WHERE embedding IS NULL;
CREATE INDEX search_chunks_tsv ON search_chunks USING GIN (tsv);

CREATE TABLE search_history (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    user_id     text NOT NULL,
    query       text NOT NULL,
    normalized  text NOT NULL,
    mode        text NOT NULL DEFAULT 'hybrid',
    count       integer NOT NULL DEFAULT 1,
    searched_at bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX search_history_query ON search_history (tenant_id, user_id, normalized);
CREATE INDEX search_history_recent ON search_history (tenant_id, user_id, searched_at);

CREATE TABLE search_settings (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    user_id         text NOT NULL,
    history_enabled boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, user_id)
);

-- Row-level security on every table, as in 0001.
ALTER TABLE search_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_chunks USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE search_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_history USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE search_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_settings USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
