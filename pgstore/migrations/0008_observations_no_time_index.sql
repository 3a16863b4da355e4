-- No query reads observations by observed_at (Get reads by key, All and
-- Len by ord), as in the SQLite store (its migration 0005): keeping the
-- index cost every stored observation a B-tree insert and its WAL. A
-- range query by time would bring it back in a migration of its own.
DROP INDEX IF EXISTS observations_observed_at;
