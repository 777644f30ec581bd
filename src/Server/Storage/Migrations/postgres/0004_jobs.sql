-- Jobs: the durable queue. A job is enqueued in the transaction of the change that needs it, claimed by one
-- worker at a time under a lease (FOR UPDATE SKIP LOCKED), and ends succeeded or dead. A lease that expires
-- (its worker crashed or hung) makes the job claimable again; lease_id changes at every claim, so a late
-- worker's completion or failure is refused. attempts counts claims, less those released without fault
-- (retry later, shutdown). Timestamps are unix milliseconds; payload is JSON text.
CREATE TABLE jobs (
    id               text PRIMARY KEY,
    tenant_id        text NOT NULL,           -- no foreign key: platform jobs carry tenant_id '*'
    kind             text NOT NULL,           -- the handler's kind, e.g. files.process
    subject          text NOT NULL,           -- what the job is about, e.g. a file id: lookups and de-duplication
    payload          text NOT NULL DEFAULT '{}',
    state            text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL,
    run_after        bigint NOT NULL,         -- queued: not claimed before this
    lease_id         text,                    -- running: the current claim
    lease_owner      text,                    -- running: the worker that holds it
    lease_expires_at bigint,                  -- running: claimable again after this
    last_error       text,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    completed_at     bigint,
    CHECK ((state = 'running') = (lease_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX jobs_due ON jobs (state, run_after);
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_by_subject ON jobs (tenant_id, subject);
-- At most one unfinished job per (tenant, kind, subject): enqueueing it again returns the one there is.
CREATE UNIQUE INDEX jobs_live_subject ON jobs (tenant_id, kind, subject) WHERE state IN ('queued', 'running');

-- Row-level security as in 0001. Workers claim across tenants as platform work; everything else runs in the job's tenant.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jobs USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
