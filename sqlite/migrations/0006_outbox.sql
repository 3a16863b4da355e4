-- The outbox of the stream deployment's ingest nodes
-- (accord.ObservationOutbox): one row per batch that added observations,
-- written in the transaction that stored them, deleted once the node's
-- messages of it were acknowledged by JetStream. keys lists the keys the
-- batch added, in its order, as JSON [["source","id"],...]. AUTOINCREMENT:
-- an id is never given again, so a late Published cannot forget another
-- batch's record.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	node TEXT NOT NULL,
	keys BLOB NOT NULL
);
CREATE INDEX outbox_node ON outbox (node, id);
