package sector_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

type seqVersion struct {
	ID         string   `json:"id"`
	State      string   `json:"state"`
	MergedInto string   `json:"merged_into"`
	Members    []string `json:"members"`
	Anchor     []any    `json:"anchor"` // [key id, accuracy]
	Released   bool     `json:"released"`
	Fallback   bool     `json:"fallback"`
	Closed     bool     `json:"closed"`
	T          int      `json:"t"`
}

// The sequencer's rules on hand-made versions (testdata/sequencer.json).
func TestSequencer(t *testing.T) {
	raw, err := os.ReadFile("testdata/sequencer.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name  string
			Steps []struct {
				Sector   int
				Versions []seqVersion
				Want     []seqVersion
			}
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	key := func(id string) monitor.Key { return monitor.Key{Source: "src", ID: id} }
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			s := sector.NewSequencer()
			for i, step := range tc.Steps {
				var vs []sector.Version
				for _, v := range step.Versions {
					in := monitor.Incident{ID: v.ID, State: v.State, MergedInto: v.MergedInto, Event: "explosion",
						FirstObserved: at.Add(time.Duration(v.T) * time.Second), LastObserved: at.Add(time.Duration(v.T) * time.Second)}
					if in.State == "" {
						in.State = fusion.Reported
					}
					for _, m := range v.Members {
						in.Observations = append(in.Observations, key(m))
					}
					if v.Closed {
						in.ClosedAt = &at
					}
					sv := sector.Version{Incident: in, Released: v.Released, Fallback: v.Fallback}
					if len(v.Anchor) == 2 {
						sv.Anchor = sector.Anchor{Key: key(v.Anchor[0].(string)), AccuracyM: v.Anchor[1].(float64), ObservedAt: at}
					}
					vs = append(vs, sv)
				}
				got := s.Apply(step.Sector, vs)
				// A snapshot taken between steps changes nothing.
				snap, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if s, err = sector.RestoreSequencer(snap); err != nil {
					t.Fatal(err)
				}
				var gs []seqVersion
				for _, in := range got {
					g := seqVersion{ID: in.ID, MergedInto: in.MergedInto, Closed: in.ClosedAt != nil}
					if in.State == fusion.Merged {
						g.State = in.State
					}
					for _, k := range in.Observations {
						g.Members = append(g.Members, k.ID)
					}
					gs = append(gs, g)
				}
				if !slices.EqualFunc(gs, step.Want, func(a, b seqVersion) bool {
					return a.ID == b.ID && a.State == b.State && a.MergedInto == b.MergedInto && a.Closed == b.Closed && slices.Equal(a.Members, b.Members)
				}) {
					t.Fatalf("step %d hands out %+v; want %+v", i, gs, step.Want)
				}
			}
		})
	}
}
