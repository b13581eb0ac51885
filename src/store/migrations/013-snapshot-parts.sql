-- Snapshots in pieces (src/store/snapshots-repository.ts). A 2,000-agent snapshot is ~13 MB of JSON: stored
-- as one jsonb value, its single INSERT grew the embedded database's WebAssembly memory (which never
-- shrinks) by ~90 MB at the end of every large sync, and its single SELECT did the same when read back.
-- Since this migration a snapshot row keeps the snapshot's skeleton (every array emptied) in `data`, and
-- the arrays' elements are in snapshot_parts, a slice of one array per row (~256 KB of JSON at most,
-- unless a single element is larger). `parts` counts them: 0 for every row written before (the whole
-- snapshot in `data`, read as before); -1 while a snapshot's parts are being written (never published).
ALTER TABLE snapshots ADD COLUMN parts integer NOT NULL DEFAULT 0;

CREATE TABLE snapshot_parts (
  snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  part integer NOT NULL,
  -- Where the array is in the snapshot: property names from the root ('{agents}', '{admin,auditLog,entries}').
  path text[] NOT NULL,
  -- A JSON array: consecutive elements of that array, in order.
  data jsonb NOT NULL,
  PRIMARY KEY (snapshot_id, part)
);
