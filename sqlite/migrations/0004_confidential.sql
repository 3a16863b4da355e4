CREATE TABLE confidential (
	commitment TEXT PRIMARY KEY, -- the commitment the ledger holds (hex SHA-256 of salt and content)
	ciphertext BLOB NOT NULL     -- salt and content, encrypted with age to the mediation's key
);
