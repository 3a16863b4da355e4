package accord

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"io"
	"time"
)

// wireOut is the Feature written; wireProp is the properties object in the contract's order; extras, if
// any, are merged by the map path.
type wireOut struct {
	Type       string   `json:"type"`
	Geometry   wireGeom `json:"geometry"`
	Properties wireProp `json:"properties"`
}

type wireGeom struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

type wireProp struct {
	ID            string     `json:"id"`
	Source        Source     `json:"source"`
	ObservedAt    string     `json:"observed_at"`
	ReportedAt    string     `json:"reported_at"`
	Event         string     `json:"event"`
	Equipment     string     `json:"equipment,omitempty"`
	CaliberMM     float64    `json:"caliber_mm,omitempty"`
	Count         int        `json:"count"`
	AttributedTo  string     `json:"attributed_to"`
	AccuracyM     float64    `json:"accuracy_m"`
	TimeAccuracyS float64    `json:"time_accuracy_s"`
	Confidence    float64    `json:"confidence"`
	Evidence      []Evidence `json:"evidence,omitempty"`
	Vessel        *Vessel    `json:"vessel,omitempty"`
}

// MarshalJSON writes the observation in the wire form of the contract.
// The encoding is canonical: the same observation gives the same bytes.
func (o *Observation) MarshalJSON() ([]byte, error) {
	if len(o.Extra) == 0 {
		if b, ok := appendWire(make([]byte, 0, 512), o); ok {
			return b, nil
		}
	}
	return o.marshalReflect()
}

// AppendJSON appends the observation as MarshalJSON writes it to b: a
// caller that encodes many observations one after another (a store)
// reuses one buffer.
func (o *Observation) AppendJSON(b []byte) ([]byte, error) {
	if len(o.Extra) == 0 {
		if out, ok := appendWire(b, o); ok {
			return out, nil
		}
	}
	j, err := o.marshalReflect()
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// marshalReflect is MarshalJSON by encoding/json: for extras, strings that
// need escapes and the errors; appendWire writes the same bytes for the
// rest.
func (o *Observation) marshalReflect() ([]byte, error) {
	g := wireGeom{Type: "Point", Coordinates: o.Position}
	if o.Path != nil {
		g = wireGeom{Type: "LineString", Coordinates: o.Path}
	}
	p := wireProp{ID: o.ID, Source: o.Source, ObservedAt: o.ObservedAt.Format(time.RFC3339Nano), ReportedAt: o.ReportedAt.Format(time.RFC3339Nano),
		Event: o.Event, Equipment: o.Equipment, CaliberMM: o.CaliberMM, Count: o.Count, AttributedTo: o.AttributedTo,
		AccuracyM: o.AccuracyM, TimeAccuracyS: o.TimeAccuracyS, Confidence: o.Confidence, Evidence: o.Evidence, Vessel: o.Vessel}
	if len(o.Extra) == 0 {
		return json.Marshal(wireOut{Type: "Feature", Geometry: g, Properties: p})
	}
	// Extras: merge them into the properties (sorted keys, as encoding/json
	// writes maps).
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	props := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &props); err != nil {
		return nil, err
	}
	for k, v := range o.Extra {
		props[k] = v
	}
	return json.Marshal(map[string]any{"type": "Feature", "geometry": g, "properties": props})
}

// Digest is the SHA-256 of the observation's canonical encoding, to tell an
// exact resend from a conflicting one.
func (o *Observation) Digest() [32]byte {
	b, _ := o.MarshalJSON()
	return DigestOf(b)
}

// DigestOf is the digest of an encoding MarshalJSON returned.
func DigestOf(encoded []byte) [32]byte { return sha256.Sum256(encoded) }

// EncodeObservations writes observations as NDJSON.
func EncodeObservations(w io.Writer, obs []Observation) error {
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
