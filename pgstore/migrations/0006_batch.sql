-- The batch (a random token per ObservationStore.Put) that stored each
-- observation: a Put retried after its connection was lost in the middle
-- of its commit finds its own rows and counts them as added, not as
-- resends (docs/postgres.md, "Connection loss").
ALTER TABLE observations ADD COLUMN batch uuid;
