CREATE TABLE confidential (
	commitment text  PRIMARY KEY, -- the commitment the ledger holds (hex SHA-256 of salt and content)
	ciphertext bytea NOT NULL     -- salt and content, encrypted with age to the mediation's key
);
