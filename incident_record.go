package accord

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// IncidentRecord is a version of an incident as the record keeps it (the
// ledger's "incident" entries, the feed's incident events): the incident
// without its list of observations, which grows without bound as a
// long-lived incident is re-sighted, but with their number and a digest of
// the list. The list itself is in the incident store (GET
// /v1/incidents/{id}); anyone holding it checks it against the record with
// MembersDigest. An entry's size is so bounded whatever the incident's
// age, and the record grows with the changes, not with their square.
type IncidentRecord struct {
	Incident
	ObservationCount   int    `json:"observation_count"`
	ObservationsSHA256 string `json:"observations_sha256"`
}

// RecordOf is the record of an incident version.
func RecordOf(in *Incident) IncidentRecord {
	r := IncidentRecord{Incident: *in, ObservationCount: len(in.Observations), ObservationsSHA256: MembersDigest(in.Observations)}
	r.Observations = nil
	return r
}

// MembersDigest is the SHA-256, in hex, of an incident's observation keys in
// their order: for each key, its source id then its id, each preceded by
// its length in bytes as an unsigned varint (encoding/binary.AppendUvarint).
func MembersDigest(keys []ObservationKey) string {
	n := 0
	for _, k := range keys {
		n += len(k.Source) + len(k.ID) + 2*binary.MaxVarintLen64
	}
	var stack [2048]byte // the keys of most incidents: hashed in one call
	buf := stack[:0]
	if n > len(stack) {
		buf = make([]byte, 0, n)
	}
	for _, k := range keys {
		buf = binary.AppendUvarint(buf, uint64(len(k.Source)))
		buf = append(buf, k.Source...)
		buf = binary.AppendUvarint(buf, uint64(len(k.ID)))
		buf = append(buf, k.ID...)
	}
	h := sha256.Sum256(buf)
	return hex.EncodeToString(h[:])
}
