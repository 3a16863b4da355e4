-- No query reads observations by observed_at (Get reads by key, All and
-- Len by rowid), and keeping the index cost Put about a quarter of its
-- CPU: a B-tree insert per observation and its pages written to the WAL
-- and checkpointed at every commit. A range query by time would bring it
-- back in a migration of its own.
DROP INDEX IF EXISTS observations_observed_at;
