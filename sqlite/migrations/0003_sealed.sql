CREATE TABLE sealed (
	sha256       TEXT PRIMARY KEY, -- the seal the ledger holds (hex SHA-256 of salt and content)
	consultation TEXT NOT NULL,    -- what it concerns
	salt         BLOB NOT NULL,
	content      BLOB NOT NULL     -- the JSON the seal stands for
);
