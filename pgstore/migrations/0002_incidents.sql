CREATE TABLE incidents (
	ord            bigserial   PRIMARY KEY, -- the order first stored: listings and cursors
	id             text        NOT NULL UNIQUE,
	state          text        NOT NULL,
	first_observed timestamptz NOT NULL,
	last_observed  timestamptz NOT NULL,
	closed         boolean     NOT NULL,
	lon            float8      NOT NULL,
	lat            float8      NOT NULL,
	zones          text[]      NOT NULL, -- the zones it lies in, as the kernel placed it
	body           bytea       NOT NULL  -- the incident as the API serves it (JSON)
);
CREATE INDEX incidents_zones ON incidents USING gin (zones);
