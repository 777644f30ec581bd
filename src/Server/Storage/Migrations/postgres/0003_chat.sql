-- Chat: rooms with their members and invitations, messages with their edits and reactions, annotations, and
-- each room's event log. rooms.last_sequence counts the room's events: a change takes the next value in the
-- same transaction that stores the change and its room_events row, so the log has no gaps and no duplicates.
-- Children carry (tenant_id, room_id) or (tenant_id, message_id) as foreign keys with ON DELETE CASCADE: a
-- child is always of its parent's tenant, and deleting a room deletes everything in it.
-- Timestamps are unix milliseconds; lists are JSON text.
CREATE TABLE rooms (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL,
    name          text NOT NULL,              -- unique in the tenant (case-insensitive); '' for direct rooms
    display_name  text NOT NULL,
    topic         text NOT NULL DEFAULT '',
    visibility    text NOT NULL CHECK (visibility IN ('public', 'private', 'direct')),
    direct_key    text,                       -- direct rooms: the members' ids, sorted, joined by ','
    creator_id    text NOT NULL,
    last_sequence bigint NOT NULL DEFAULT 0, -- the sequence of the room's latest event
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    archived_at   bigint,
    PRIMARY KEY (tenant_id, id),
    CHECK ((visibility = 'direct') = (direct_key IS NOT NULL))
);
CREATE UNIQUE INDEX rooms_name ON rooms (tenant_id, lower(name)) WHERE visibility <> 'direct';
CREATE UNIQUE INDEX rooms_direct_key ON rooms (tenant_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX rooms_by_name ON rooms (tenant_id, name, id);

CREATE TABLE room_members (
    tenant_id          text NOT NULL,
    room_id            text NOT NULL,
    user_id            text NOT NULL,         -- a user or a service account
    role               text NOT NULL CHECK (role IN ('viewer', 'member', 'moderator', 'owner')),
    joined_at          bigint NOT NULL,
    last_read_sequence bigint NOT NULL DEFAULT 0,
    read_at            bigint,
    PRIMARY KEY (tenant_id, room_id, user_id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX room_members_by_user ON room_members (tenant_id, user_id);

CREATE TABLE room_invitations (
    tenant_id   text NOT NULL,
    id          text NOT NULL,
    room_id     text NOT NULL,
    inviter_id  text NOT NULL,
    invitee_id  text NOT NULL,
    role        text NOT NULL CHECK (role IN ('viewer', 'member', 'moderator', 'owner')),
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined', 'expired')),
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    answered_at bigint,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX room_invitations_pending ON room_invitations (tenant_id, room_id, invitee_id) WHERE state = 'pending';
CREATE INDEX room_invitations_by_invitee ON room_invitations (tenant_id, invitee_id, id) WHERE state = 'pending';

CREATE TABLE room_events (
    tenant_id  text NOT NULL,
    room_id    text NOT NULL,
    sequence   bigint NOT NULL,
    kind       text NOT NULL,                 -- the atom.v1.RoomEvent kind: message_posted, pin_changed, ...
    actor_id   text NOT NULL,
    message_id text,                          -- the message the event is about, if any
    payload    bytea NOT NULL,                 -- the serialized atom.v1.RoomEvent, as delivered
    created_at bigint NOT NULL,
    PRIMARY KEY (tenant_id, room_id, sequence),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE messages (
    tenant_id       text NOT NULL,
    id              text NOT NULL,
    room_id         text NOT NULL,
    sequence        bigint NOT NULL,         -- the sequence of its message_posted event
    sender_id       text NOT NULL,
    text            text NOT NULL,            -- '' on a tombstone
    attachments     text NOT NULL DEFAULT '[]',
    mention_ids     text NOT NULL DEFAULT '[]',
    reply_to_id     text,                     -- the thread's top message, or NULL
    request_id      text NOT NULL DEFAULT '', -- the sender's idempotency key; '' when none was given
    created_at      bigint NOT NULL,
    edited_at       bigint,
    deleted_at      bigint,
    pinned_at       bigint,
    pinned_sequence bigint,                  -- the sequence of the pin event: orders the pins
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES rooms (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX messages_by_sequence ON messages (tenant_id, room_id, sequence);
CREATE UNIQUE INDEX messages_request ON messages (tenant_id, room_id, sender_id, request_id) WHERE request_id <> '';
CREATE INDEX messages_thread ON messages (tenant_id, room_id, reply_to_id, sequence) WHERE reply_to_id IS NOT NULL;
CREATE INDEX messages_pinned ON messages (tenant_id, room_id, pinned_sequence) WHERE pinned_sequence IS NOT NULL;

CREATE TABLE message_edits (
    tenant_id  text NOT NULL,
    message_id text NOT NULL,
    sequence   bigint NOT NULL,              -- the sequence of the message_edited event
    text       text NOT NULL,                 -- the text before that edit
    editor_id  text NOT NULL,
    edited_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, message_id, sequence),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE message_reactions (
    tenant_id  text NOT NULL,
    message_id text NOT NULL,
    user_id    text NOT NULL,
    emoji      text NOT NULL,
    sequence   bigint NOT NULL,              -- the sequence of the reactions_changed event: orders reactions
    created_at bigint NOT NULL,
    PRIMARY KEY (tenant_id, message_id, user_id, emoji),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_reactions_by_message ON message_reactions (tenant_id, message_id, sequence);

CREATE TABLE annotations (
    tenant_id   text NOT NULL,
    id          text NOT NULL,
    room_id     text NOT NULL,
    message_id  text NOT NULL,
    author_id   text NOT NULL,
    span_start  bigint NOT NULL,             -- in Unicode code points of the message text
    span_length bigint NOT NULL,             -- 0: the whole message
    text        text NOT NULL,
    created_at  bigint NOT NULL,
    resolved_at bigint,
    resolved_by text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX annotations_by_message ON annotations (tenant_id, message_id, span_start);

CREATE TABLE annotation_comments (
    tenant_id     text NOT NULL,
    id            text NOT NULL,
    annotation_id text NOT NULL,
    author_id     text NOT NULL,
    text          text NOT NULL,
    created_at    bigint NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, annotation_id) REFERENCES annotations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX annotation_comments_by_annotation ON annotation_comments (tenant_id, annotation_id, created_at);

-- Row-level security on every table, as in 0001.
ALTER TABLE rooms ENABLE ROW LEVEL SECURITY;
ALTER TABLE rooms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON rooms USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE room_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE room_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON room_members USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE room_invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE room_invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON room_invitations USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE room_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE room_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON room_events USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON messages USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE message_edits ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_edits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON message_edits USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE message_reactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_reactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON message_reactions USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE annotations ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON annotations USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

ALTER TABLE annotation_comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_comments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON annotation_comments USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
