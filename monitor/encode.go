package monitor

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"io"
	"time"
)

// MarshalJSON writes the observation in the wire form of the contract.
func (o *Observation) MarshalJSON() ([]byte, error) {
	props := map[string]any{
		"id": o.ID, "source": o.Source,
		"observed_at": o.ObservedAt.Format(time.RFC3339Nano), "reported_at": o.ReportedAt.Format(time.RFC3339Nano),
		"event": o.Event, "count": o.Count, "attributed_to": o.AttributedTo,
		"accuracy_m": o.AccuracyM, "time_accuracy_s": o.TimeAccuracyS, "confidence": o.Confidence,
	}
	for k, v := range o.Extra {
		props[k] = v
	}
	if o.Equipment != "" {
		props["equipment"] = o.Equipment
	}
	if o.CaliberMM != 0 {
		props["caliber_mm"] = o.CaliberMM
	}
	if len(o.Evidence) > 0 {
		props["evidence"] = o.Evidence
	}
	geom := map[string]any{"type": "Point", "coordinates": o.Position}
	if o.Path != nil {
		geom = map[string]any{"type": "LineString", "coordinates": o.Path}
	}
	return json.Marshal(map[string]any{"type": "Feature", "geometry": geom, "properties": props})
}

// Digest is the SHA-256 of the observation's canonical encoding, to tell an
// exact resend from a conflicting one.
func (o *Observation) Digest() [32]byte {
	b, _ := o.MarshalJSON()
	return sha256.Sum256(b)
}

// Encode writes observations as NDJSON.
func Encode(w io.Writer, obs []Observation) error {
	bw := bufio.NewWriter(w)
	for i := range obs {
		b, err := obs[i].MarshalJSON()
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
