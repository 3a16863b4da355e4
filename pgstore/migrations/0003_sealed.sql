CREATE TABLE sealed (
	sha256       text  PRIMARY KEY, -- the seal the ledger holds (hex SHA-256 of salt and content)
	consultation text  NOT NULL,    -- what it concerns
	salt         bytea NOT NULL,
	content      bytea NOT NULL     -- the JSON the seal stands for
);
