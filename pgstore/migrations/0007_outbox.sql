-- The outbox of the stream deployment's ingest nodes
-- (accord.ObservationOutbox): one row per batch that added observations,
-- written in the transaction that stored them, deleted once the node's
-- messages of it were acknowledged by JetStream. keys lists the keys the
-- batch added, in its order, as JSON [["source","id"],...]; batch is the
-- Put's token (0006_batch.sql): a PutPending retried after its commit was
-- lost with its connection finds its record rather than keeping a second.
CREATE TABLE outbox (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	node text NOT NULL,
	batch uuid NOT NULL UNIQUE,
	keys bytea NOT NULL
);
CREATE INDEX outbox_node ON outbox (node, id);
