package accord

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const vesselLine = `{"type":"Feature","geometry":{"type":"Point","coordinates":[30.6,45.9]},"properties":{"id":"ais-1","source":{"id":"sat-ais","kind":"satellite","owner":"un"},"observed_at":"2025-06-01T04:10:00Z","reported_at":"2025-06-01T04:10:30Z","event":"vessel","attributed_to":"unknown","accuracy_m":30,"confidence":0.9,"vessel":{"id":"IMO9000001","name":"RAZONI","flag":"SL","cargo_t":26527}}}`

func vesselWith(old, new string) string {
	if !strings.Contains(vesselLine, old) {
		panic(old)
	}
	return strings.Replace(vesselLine, old, new, 1)
}

func TestDecodeVessel(t *testing.T) {
	inspection := vesselWith(`"event":"vessel"`, `"event":"inspection"`)
	inspection = strings.Replace(inspection, `"id":"ais-1"`, `"id":"jcc-1"`, 1)
	strike := strings.Replace(vesselWith(`"event":"vessel"`, `"event":"strike"`), `"id":"ais-1"`, `"id":"s-1"`, 1)
	obs, err := DecodeObservations(strings.NewReader(vesselLine+"\n"+inspection+"\n"+strike+"\n"+good+"\n"), "in")
	if err != nil {
		t.Fatal(err)
	}
	want := Vessel{ID: "IMO9000001", Name: "RAZONI", Flag: "SL", CargoT: 26527}
	for i, ev := range []string{"vessel", "inspection", "strike"} {
		if o := obs[i]; o.Event != ev || o.Vessel == nil || *o.Vessel != want || o.Extra != nil {
			t.Errorf("%s: %+v (vessel %+v)", ev, o, o.Vessel)
		}
	}
	if obs[3].Vessel != nil {
		t.Errorf("a vessel on an observation that names none")
	}
	var buf bytes.Buffer
	if err := EncodeObservations(&buf, obs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"vessel":{"id":"IMO9000001","name":"RAZONI","flag":"SL","cargo_t":26527}`) {
		t.Errorf("encoding: %s", buf.String())
	}
	again, err := DecodeObservations(&buf, "out")
	if err != nil {
		t.Fatal(err)
	}
	for i := range obs {
		if obs[i].Digest() != again[i].Digest() {
			t.Errorf("observation %d changed in a round trip", i)
		}
	}
	// An observation with no vessel encodes as before.
	if b, _ := obs[3].MarshalJSON(); bytes.Contains(b, []byte("vessel")) {
		t.Errorf("vessel written for an observation without one: %s", b)
	}
}

// A vessel observation that does not say which vessel is refused with its
// line and the reason, and nothing of the batch is kept.
func TestDecodeVesselRefused(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"no vessel", vesselWith(`,"vessel":{"id":"IMO9000001","name":"RAZONI","flag":"SL","cargo_t":26527}`, ``),
			`in:2: properties.vessel: missing: a vessel observation names its vessel`},
		{"null vessel", vesselWith(`{"id":"IMO9000001","name":"RAZONI","flag":"SL","cargo_t":26527}`, `null`),
			`in:2: properties.vessel: missing: a vessel observation names its vessel`},
		{"no id", vesselWith(`"id":"IMO9000001",`, ``), `in:2: properties.vessel.id: missing or empty`},
		{"empty id", vesselWith(`"id":"IMO9000001"`, `"id":""`), `in:2: properties.vessel.id: missing or empty`},
		{"blank id", vesselWith(`"id":"IMO9000001"`, `"id":"  "`), `in:2: properties.vessel.id: missing or empty`},
		{"inspection without id", vesselWith(`"event":"vessel","attributed_to":"unknown","accuracy_m":30,"confidence":0.9,"vessel":{"id":"IMO9000001",`, `"event":"inspection","attributed_to":"unknown","accuracy_m":30,"confidence":0.9,"vessel":{`),
			`in:2: properties.vessel.id: missing or empty`},
		{"strike naming a vessel without id", vesselWith(`"event":"vessel","attributed_to":"unknown","accuracy_m":30,"confidence":0.9,"vessel":{"id":"IMO9000001",`, `"event":"strike","attributed_to":"unknown","accuracy_m":30,"confidence":0.9,"vessel":{`),
			`in:2: properties.vessel.id: missing or empty`},
		{"id not a string", vesselWith(`"id":"IMO9000001"`, `"id":9000001`), `in:2: properties.vessel.id: want string, got number`},
		{"negative cargo", vesselWith(`"cargo_t":26527`, `"cargo_t":-1`), `in:2: properties.vessel.cargo_t: want tonnes ≥ 0`},
		{"unknown field", vesselWith(`"cargo_t":26527`, `"cargo_t":26527,"mmsi":1`), `in:2: properties.vessel: want {"id", "name", "flag", "cargo_t"}: json: unknown field "mmsi"`},
		{"a track, not a position", vesselWith(`{"type":"Point","coordinates":[30.6,45.9]}`, `{"type":"LineString","coordinates":[[30.6,45.9],[30.6,45.8]]}`),
			`in:2: geometry.type: a vessel observation is a Point (where the vessel was), not a LineString`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := DecodeObservations(strings.NewReader(good+"\n"+tt.line+"\n"), "in")
			if obs != nil {
				t.Error("observations returned from a refused batch")
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %q", err, tt.want)
			}
			var le LineErrors
			if ErrorCode(err) != EINVALID || !errors.As(err, &le) || len(le) != 1 || le[0].Line != 2 {
				t.Errorf("want one EINVALID LineError on line 2, got %#v", err)
			}
		})
	}
}
