-- Search: what is indexed (chunks of messages and files, with their full-text index and their embeddings), each
-- user's search history and settings.
-- A chunk carries what access and filters need (scope 'room:ID' for a room's messages and files, 'user:ID' for a
-- personal file), so a search never reads chat's or files' tables. Its embedding (float32, little-endian) is kept here
-- too: the vector index is a cache of these and is rebuilt from them when it is lost.
CREATE TABLE search_chunks (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,             -- '<kind>:<source_id>:<chunk>'
    source_kind TEXT NOT NULL CHECK (source_kind IN ('message', 'file')),
    source_id   TEXT NOT NULL,
    chunk       INTEGER NOT NULL,
    scope       TEXT NOT NULL,
    room_id     TEXT NOT NULL DEFAULT '',
    author_id   TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',  -- a file's category (document, image, ...); '' for a message
    media_type  TEXT NOT NULL DEFAULT '',
    type_label  TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT 'english',
    sequence    INTEGER NOT NULL DEFAULT 0, -- a message's sequence in its room
    created_at  INTEGER NOT NULL,
    embedding   BLOB,                      -- NULL until embedded (or when the text has no known word)
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX search_chunks_by_source ON search_chunks (tenant_id, source_id);
CREATE INDEX search_chunks_unembedded ON search_chunks (tenant_id) WHERE embedding IS NULL;

-- The full-text index reads its text from search_chunks (external content), kept in step by triggers.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    content = 'search_chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_chunks_ai AFTER INSERT ON search_chunks BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER search_chunks_ad AFTER DELETE ON search_chunks BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER search_chunks_au AFTER UPDATE OF title, body ON search_chunks BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

CREATE TABLE search_history (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    query       TEXT NOT NULL,
    normalized  TEXT NOT NULL,             -- lower case, spaces collapsed: one entry per query however it was typed
    mode        TEXT NOT NULL DEFAULT 'hybrid',
    count       INTEGER NOT NULL DEFAULT 1,
    searched_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX search_history_query ON search_history (tenant_id, user_id, normalized);
CREATE INDEX search_history_recent ON search_history (tenant_id, user_id, searched_at);

CREATE TABLE search_settings (
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    user_id         TEXT NOT NULL,
    history_enabled INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, user_id)
);
