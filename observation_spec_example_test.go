package accord

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The contract's own example (spec/observation.md), copied verbatim into
// testdata, spread over lines as the spec prints it: joined into one NDJSON
// line it is accepted whole, evidence digest "…" included — until the
// eighteenth session the decoder wanted 64 hex digits there, a form the
// contract does not state, and refused its own example.
func TestSpecExampleObservationAccepted(t *testing.T) {
	raw, err := os.ReadFile("testdata/spec/observation-example.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.ReplaceAll(bytes.TrimSpace(raw), []byte("\n"), nil)
	for _, tc := range []struct{ name, digest string }{
		{"as in the spec", "…"},
		{"a hex digest", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"empty", ""},
		{"other text", "sha256:abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := strings.Replace(string(line), `"sha256":"…"`, `"sha256":"`+tc.digest+`"`, 1)
			obs, err := DecodeObservations(strings.NewReader(l+"\n"), "spec")
			if err != nil {
				t.Fatalf("the spec's example refused: %v", err)
			}
			if len(obs) != 1 {
				t.Fatalf("%d observations, want 1", len(obs))
			}
			o := obs[0]
			if len(o.Evidence) != 1 || o.Evidence[0].URI != "s3://mission/imagery/0042.tif" || o.Evidence[0].SHA256 != tc.digest {
				t.Errorf("evidence %+v, want the uri and the digest %q as given", o.Evidence, tc.digest)
			}
			if o.Key() != (ObservationKey{Source: "sat-7", ID: "sat-7-2025-06-01T04:10:00Z-0042"}) || o.Count != 3 || o.CaliberMM != 152 {
				t.Errorf("decoded %+v", o)
			}
			// The digest survives the stored encoding, byte for byte.
			b, err := o.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeObservations(bytes.NewReader(append(b, '\n')), "again")
			if err != nil || len(back) != 1 || back[0].Evidence[0].SHA256 != tc.digest {
				t.Errorf("re-read: %v %+v", err, back)
			}
		})
	}
}
