// Package ledger is accord's verifiable record: an append-only log of
// entries (submissions signed by their authors, refusals, derived events)
// in a Merkle tree (golang.org/x/mod/sumdb/tlog), with checkpoints signed
// in the signed-note format (golang.org/x/mod/sumdb/note, ed25519) and
// co-signed by witnesses that sign only a checkpoint consistent with the
// last one they signed.
//
// Each entry carries its sequence number and the hash of the entry before
// it, so a changed byte, a dropped or a reordered entry is not only
// detected (the tree's root no longer matches a signed checkpoint) but
// located. Appends are durable before they are acknowledged: a batch of
// entries is written and fsynced once, then every append in it returns. A
// crash at any moment loses no acknowledged entry: reopening cuts a torn
// tail, which no one was told was stored, and refuses anything else wrong
// — damage to an acknowledged entry, or a log that does not extend the
// tree saved beside it (a rollback or a fork).
package ledger
