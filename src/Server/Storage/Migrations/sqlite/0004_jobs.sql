-- Jobs: the durable queue. A job is enqueued in the transaction of the change that needs it, claimed by one
-- worker at a time under a lease (a single UPDATE ... RETURNING in a write transaction), and ends succeeded or
-- dead. A lease that expires (its worker crashed or hung) makes the job claimable again; lease_id changes at
-- every claim, so a late worker's completion or failure is refused. attempts counts claims, less those released
-- without fault (retry later, shutdown). Timestamps are unix milliseconds; payload is JSON text.
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,           -- no foreign key: platform jobs carry tenant_id '*'
    kind             TEXT NOT NULL,           -- the handler's kind, e.g. files.process
    subject          TEXT NOT NULL,           -- what the job is about, e.g. a file id: lookups and de-duplication
    payload          TEXT NOT NULL DEFAULT '{}',
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    run_after        INTEGER NOT NULL,        -- queued: not claimed before this
    lease_id         TEXT,                    -- running: the current claim
    lease_owner      TEXT,                    -- running: the worker that holds it
    lease_expires_at INTEGER,                 -- running: claimable again after this
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    CHECK ((state = 'running') = (lease_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX jobs_due ON jobs (state, run_after);
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_by_subject ON jobs (tenant_id, subject);
-- At most one unfinished job per (tenant, kind, subject): enqueueing it again returns the one there is.
CREATE UNIQUE INDEX jobs_live_subject ON jobs (tenant_id, kind, subject) WHERE state IN ('queued', 'running');
