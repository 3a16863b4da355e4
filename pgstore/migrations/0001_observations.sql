CREATE TABLE observations (
	ord         bigserial   NOT NULL UNIQUE, -- the order stored: All
	source      text        NOT NULL,
	id          text        NOT NULL,
	digest      bytea       NOT NULL,
	observed_at timestamptz NOT NULL,
	feature     bytea       NOT NULL, -- the observation in the wire form of spec/observation.md, as encoded
	PRIMARY KEY (source, id)
);
CREATE INDEX observations_observed_at ON observations (observed_at);
