-- Chat: rooms with their members and invitations, messages with their edits and reactions, annotations, and
-- each room's event log. rooms.last_sequence counts the room's events: a change takes the next value in the
-- same transaction that stores the change and its room_events row, so the log has no gaps and no duplicates.
-- Children carry (tenant_id, room_id) or (tenant_id, message_id) as foreign keys with ON DELETE CASCADE: a
-- child is always of its parent's tenant, and deleting a room deletes everything in it.
-- Booleans are INTEGER 0/1; timestamps unix milliseconds; lists are JSON text.
CREATE TABLE rooms (
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,              -- unique in the tenant (case-insensitive); '' for direct rooms
    display_name  TEXT NOT NULL,
    topic         TEXT NOT NULL DEFAULT '',
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'private', 'direct')),
    direct_key    TEXT,                       -- direct rooms: the members' ids, sorted, joined by ','
    creator_id    TEXT NOT NULL,
    last_sequence INTEGER NOT NULL DEFAULT 0, -- the sequence of the room's latest event
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    archived_at   INTEGER,
    PRIMARY KEY (tenant_id, id),
    CHECK ((visibility = 'direct') = (direct_key IS NOT NULL))
);
CREATE UNIQUE INDEX rooms_name ON rooms (tenant_id, name COLLATE NOCASE) WHERE visibility <> 'direct';
CREATE UNIQUE INDEX rooms_direct_key ON rooms (tenant_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX rooms_by_name ON rooms (tenant_id, name, id);

CREATE TABLE room_members (
    tenant_id          TEXT NOT NULL,
    room_id            TEXT NOT NULL,
    user_id            TEXT NOT NULL,         -- a user or a service account
    role               TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'moderator', 'owner')),
    joined_at          INTEGER NOT NULL,
    last_read_sequence INTEGER NOT NULL DEFAULT 0,
    read_at            INTEGER,
    PRIMARY KEY (tenant_id, room_id, user_id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX room_members_by_user ON room_members (tenant_id, user_id);

CREATE TABLE room_invitations (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    room_id     TEXT NOT NULL,
    inviter_id  TEXT NOT NULL,
    invitee_id  TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'moderator', 'owner')),
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined', 'expired')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    answered_at INTEGER,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX room_invitations_pending ON room_invitations (tenant_id, room_id, invitee_id) WHERE state = 'pending';
CREATE INDEX room_invitations_by_invitee ON room_invitations (tenant_id, invitee_id, id) WHERE state = 'pending';

CREATE TABLE room_events (
    tenant_id  TEXT NOT NULL,
    room_id    TEXT NOT NULL,
    sequence   INTEGER NOT NULL,
    kind       TEXT NOT NULL,                 -- the atom.v1.RoomEvent kind: message_posted, pin_changed, ...
    actor_id   TEXT NOT NULL,
    message_id TEXT,                          -- the message the event is about, if any
    payload    BLOB NOT NULL,                 -- the serialized atom.v1.RoomEvent, as delivered
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, room_id, sequence),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE messages (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    room_id         TEXT NOT NULL,
    sequence        INTEGER NOT NULL,         -- the sequence of its message_posted event
    sender_id       TEXT NOT NULL,
    text            TEXT NOT NULL,            -- '' on a tombstone
    attachments     TEXT NOT NULL DEFAULT '[]',
    mention_ids     TEXT NOT NULL DEFAULT '[]',
    reply_to_id     TEXT,                     -- the thread's top message, or NULL
    request_id      TEXT NOT NULL DEFAULT '', -- the sender's idempotency key; '' when none was given
    created_at      INTEGER NOT NULL,
    edited_at       INTEGER,
    deleted_at      INTEGER,
    pinned_at       INTEGER,
    pinned_sequence INTEGER,                  -- the sequence of the pin event: orders the pins
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX messages_by_sequence ON messages (tenant_id, room_id, sequence);
CREATE UNIQUE INDEX messages_request ON messages (tenant_id, room_id, sender_id, request_id) WHERE request_id <> '';
CREATE INDEX messages_thread ON messages (tenant_id, room_id, reply_to_id, sequence) WHERE reply_to_id IS NOT NULL;
CREATE INDEX messages_pinned ON messages (tenant_id, room_id, pinned_sequence) WHERE pinned_sequence IS NOT NULL;

CREATE TABLE message_edits (
    tenant_id  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence   INTEGER NOT NULL,              -- the sequence of the message_edited event
    text       TEXT NOT NULL,                 -- the text before that edit
    editor_id  TEXT NOT NULL,
    edited_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, message_id, sequence),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE message_reactions (
    tenant_id  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    emoji      TEXT NOT NULL,
    sequence   INTEGER NOT NULL,              -- the sequence of the reactions_changed event: orders reactions
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, message_id, user_id, emoji),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_reactions_by_message ON message_reactions (tenant_id, message_id, sequence);

CREATE TABLE annotations (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    room_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    span_start  INTEGER NOT NULL,             -- in Unicode code points of the message text
    span_length INTEGER NOT NULL,             -- 0: the whole message
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX annotations_by_message ON annotations (tenant_id, message_id, span_start);

CREATE TABLE annotation_comments (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    annotation_id TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, annotation_id) REFERENCES annotations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX annotation_comments_by_annotation ON annotation_comments (tenant_id, annotation_id, created_at);
