CREATE TABLE observations (
	source      TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	digest      BLOB    NOT NULL,
	observed_at TEXT    NOT NULL,
	feature     TEXT    NOT NULL, -- the observation in the wire form of spec/observation.md
	PRIMARY KEY (source, id)
);
CREATE INDEX observations_observed_at ON observations (observed_at);
