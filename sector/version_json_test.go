package sector

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
)

// The times the agreement engine takes from an incident, which its JSON
// leaves out, travel beside it from a worker to the recorder.
func TestVersionCarriesConfirmedAt(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	for _, v := range []Version{
		{Incident: monitor.Incident{ID: "s0/inc-1", State: "confirmed", ConfirmedAt: at, SeenConfirmed: at.Add(-time.Hour), OpenedAt: at.Add(-2 * time.Hour)}, Anchor: Anchor{AccuracyM: 5}},
		{Incident: monitor.Incident{ID: "s1/inc-2", State: "reported"}, Released: true},
		{Incident: monitor.Incident{ID: "s2/inc-3", State: "reported"}, Opened: 42},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var got Version
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !got.Incident.ConfirmedAt.Equal(v.Incident.ConfirmedAt) || !got.Incident.SeenConfirmed.Equal(v.Incident.SeenConfirmed) ||
			!got.Incident.OpenedAt.Equal(v.Incident.OpenedAt) || got.Incident.ID != v.Incident.ID ||
			got.Released != v.Released || got.Anchor.AccuracyM != v.Anchor.AccuracyM || got.Opened != v.Opened {
			t.Errorf("%s read back as %+v, want %+v", b, got, v)
		}
	}
	// In a slice, as the worker publishes them.
	b, err := json.Marshal([]Version{{Incident: monitor.Incident{ID: "s0/inc-1", ConfirmedAt: at}}})
	if err != nil {
		t.Fatal(err)
	}
	var vs []Version
	if err := json.Unmarshal(b, &vs); err != nil || len(vs) != 1 || !vs[0].Incident.ConfirmedAt.Equal(at) {
		t.Fatalf("%s read back as %+v (%v)", b, vs, err)
	}
}
