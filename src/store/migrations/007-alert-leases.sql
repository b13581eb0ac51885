-- A sender's claim on a delivery carries a lease id: only the holder of the current lease records the
-- outcome of an attempt (a sender whose lease ran out and was taken over cannot overwrite it).
ALTER TABLE alert_deliveries ADD COLUMN lease_id text;
