-- Sync jobs (issue 13, docs/adr/0008): a run asked for through the job queue is recorded at once as
-- `queued`; a worker takes it (queued -> running) by compare-and-set. One queued-or-running run per
-- integration, across processes, by the same partial unique index as before, now covering `queued`.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
  CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted'));

-- true for a run that a job of the queue carries (it may be taken over after its worker died).
ALTER TABLE sync_runs ADD COLUMN queued boolean NOT NULL DEFAULT false;
-- How many times a worker took the run (1 normally; more after a take-over).
ALTER TABLE sync_runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;

DROP INDEX sync_runs_one_running;
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (integration_id) WHERE status IN ('queued', 'running');
CREATE INDEX sync_runs_queue_idx ON sync_runs (seq) WHERE queued AND status IN ('queued', 'running', 'interrupted');
