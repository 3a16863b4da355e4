-- When each pending record's batch was stored (RFC 3339, UTC, the ingest
-- node's clock): a node restarted after JetStream's duplicate window
-- looks in ACCORD_OBS from then on for the messages it may have published
-- before it died, rather than publish them again (package stream,
-- Recover). NULL for the records kept before this migration.
ALTER TABLE outbox ADD COLUMN stored_at TEXT;
