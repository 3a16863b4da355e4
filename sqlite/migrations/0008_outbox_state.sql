-- What the ingest node kept with each pending record (opaque to the
-- store: package stream's routing state before the batch, JSON), from
-- which a node restarted rebuilds the batch's messages as they were first
-- made (package stream, Recover). NULL for the records kept before this
-- migration, and for those kept without it.
ALTER TABLE outbox ADD COLUMN state BLOB;
