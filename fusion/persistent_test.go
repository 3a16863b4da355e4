package fusion_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
)

// Persistent things (heavy weapons, troop concentrations, mines, movement
// restrictions) are one incident however long apart their sightings, while
// each sighting is within the horizon of another and within the accuracy
// of every one; a shot is still an instant.
func TestPersistentThingsStayOneIncident(t *testing.T) {
	const h = 3600
	every := func(event string, step, n int, east float64) []fusion.Report {
		var out []fusion.Report
		for i := range n {
			out = append(out, rep("s", event+string(rune('a'+i%26))+string(rune('a'+i/26)), "mission", event, east, 0, i*step, 30, 0.8))
		}
		return out
	}
	tests := []struct {
		name    string
		reports []fusion.Report
		horizon time.Duration
		open    int // incidents open at the end
		closed  int // incidents closed on the way
		members []int
	}{
		{"a gun re-sighted every 4 h for 20 h", every("heavy_weapon", 4*h, 6, 0), 0, 1, 0, []int{6}},
		{"a gun re-sighted every 5 h for 3 days", every("heavy_weapon", 5*h, 15, 0), 0, 1, 0, []int{15}},
		{"troops re-sighted every 8 h for 2 days", every("troop_concentration", 8*h, 7, 0), 0, 1, 0, []int{7}},
		{"a mine re-reported every 20 h", every("mine", 20*h, 4, 0), 0, 1, 0, []int{4}},
		{"a movement restriction re-reported every 12 h", every("movement_restriction", 12*h, 4, 0), 0, 1, 0, []int{4}},
		{"a gun seen again after more than the horizon is a new incident", []fusion.Report{
			rep("a", "1", "mission", "heavy_weapon", 0, 0, 0, 30, 0.8), rep("a", "2", "mission", "heavy_weapon", 0, 0, 25*h, 30, 0.8),
		}, 0, 1, 1, []int{1}},
		{"a sighting elsewhere does not join", []fusion.Report{
			rep("a", "1", "mission", "heavy_weapon", 0, 0, 0, 30, 0.8), rep("a", "2", "mission", "heavy_weapon", 500, 0, 10*h, 30, 0.8),
		}, 0, 2, 0, []int{1, 1}},
		{"a sighting must fit every member in space", append(every("heavy_weapon", 4*h, 3, 0),
			rep("a", "far", "mission", "heavy_weapon", 150, 0, 9*h, 30, 0.8), // within the gate of the last, not of all
		), 0, 2, 0, []int{3, 1}},
		{"a late sighting joins while within the horizon of a member", append(every("heavy_weapon", 4*h, 3, 0),
			rep("a", "late", "mission", "heavy_weapon", 10, 0, -20*h, 30, 0.8)), 0, 1, 0, []int{4}},
		{"a late sighting more than the horizon before every member is another incident", append(every("heavy_weapon", 4*h, 3, 0),
			rep("a", "late", "mission", "heavy_weapon", 10, 0, -30*h, 30, 0.8)), 0, 2, 0, []int{3, 1}},
		{"the horizon is the limit: 90 min gaps close under a one-hour horizon", every("heavy_weapon", 90*60, 3, 0), time.Hour, 1, 2, []int{1}},
		{"shots are still instants", every("impact", 60, 3, 0), 0, 3, 0, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fusion.New(fusion.Config{Parties: []string{"ru", "ua"}, Horizon: tt.horizon})
			closed := 0
			for _, r := range tt.reports {
				e.Add(r)
				closed += len(e.TakeClosed())
			}
			ins := e.Incidents()
			var members []int
			for _, in := range ins {
				members = append(members, len(in.Reports))
			}
			if len(ins) != tt.open || closed != tt.closed || len(members) != len(tt.members) {
				t.Fatalf("%d open (members %v), %d closed; want %d open (members %v), %d closed", len(ins), members, closed, tt.open, tt.members, tt.closed)
			}
			for i := range members {
				if members[i] != tt.members[i] {
					t.Errorf("members %v, want %v", members, tt.members)
					break
				}
			}
		})
	}
}

// An incident closes a horizon after its last report; a persistent thing
// re-sighted every few hours stays open and is one incident across days,
// and closes a horizon after it was last seen.
func TestPersistentThingClosesAfterTheHorizon(t *testing.T) {
	e := fusion.New(fusion.Config{})
	var gun *fusion.Incident
	for i := range 20 { // every 4 h for 76 h
		gun = e.Add(rep("a", string(rune('a'+i)), "mission", "heavy_weapon", 0, 0, i*4*3600, 30, 0.8))
		if c := e.TakeClosed(); len(c) != 0 {
			t.Fatalf("sighting %d: %d incidents closed", i, len(c))
		}
	}
	if n := len(gun.Reports); n != 20 || gun.LastObserved.Sub(gun.FirstObserved) != 76*time.Hour {
		t.Fatalf("one gun over 76 h: %d members spanning %v", n, gun.LastObserved.Sub(gun.FirstObserved))
	}
	// Something else, 23 h after the last sighting: the gun is still open;
	// 25 h after it: closed.
	e.Add(rep("b", "1", "mission", "impact", 5000, 0, (76+23)*3600, 30, 0.8))
	if c := e.TakeClosed(); len(c) != 0 {
		t.Fatalf("closed %d incidents 23 h after the last sighting", len(c))
	}
	e.Add(rep("b", "2", "mission", "impact", 5000, 0, (76+25)*3600, 30, 0.8))
	c := e.TakeClosed()
	if len(c) != 1 || c[0] != gun || c[0].ClosedAt.IsZero() {
		t.Fatalf("closed %v 25 h after the last sighting, want the gun", c)
	}
}
