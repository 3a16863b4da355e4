CREATE TABLE incidents (
	ord            INTEGER PRIMARY KEY, -- the order first stored: listings and cursors
	id             TEXT    NOT NULL UNIQUE,
	state          TEXT    NOT NULL,
	first_observed TEXT    NOT NULL,
	last_observed  TEXT    NOT NULL,
	closed         INTEGER NOT NULL, -- 1 when closed
	body           TEXT    NOT NULL  -- the incident as the API serves it
);
