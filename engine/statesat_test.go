package engine_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// StatesAt gives the states a tick would leave without applying it: the
// same as the tick applied to another set over the same log, and the set
// it is asked of unchanged (its hash, its next entry). Provision "rel" is
// due at 2026-02-01T10:00:00Z (signed the day before), "dated" at the last
// instant of 2026-01-31: a tick at that instant finds neither late, one
// an instant later finds "dated" late, one at the end of 1 February both.
// DerivesAt counts what such a tick would derive, and changes nothing
// either.
func TestStatesAtLeavesTheSetAsItWas(t *testing.T) {
	a := boundaryAgreement(t)
	log := numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2026-01-31T10:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2026-01-31T10:00:00Z")},
	)
	for _, c := range []struct {
		at      string
		overdue []string
	}{
		{"2026-01-31T10:00:00Z", nil}, // the set's clock: the states as they are
		{"2026-01-31T23:59:59.999999999Z", nil},
		{"2026-02-01T00:00:00Z", []string{"dated"}},
		{"2026-02-01T23:59:59.999999999Z", []string{"dated", "rel"}},
	} {
		t.Run(c.at, func(t *testing.T) {
			set := newSet(t, a, log)
			before := set.State("").JSON()
			got, err := set.StatesAt(at(c.at))
			if err != nil {
				t.Fatal(err)
			}
			if after := set.State("").JSON(); !bytes.Equal(before, after) {
				t.Errorf("StatesAt changed the set:\nbefore %s\nafter  %s", before, after)
			}
			ticked := newSet(t, a, log)
			if at(c.at).After(at("2026-01-31T10:00:00Z")) {
				if err := ticked.Apply(engine.Event{Seq: 3, Type: engine.Tick, At: at(c.at)}); err != nil {
					t.Fatal(err)
				}
			}
			if want := ticked.State("").JSON(); !bytes.Equal(got[0].JSON(), want) {
				t.Errorf("StatesAt(%s):\n%s\nwant, as the tick applied,\n%s", c.at, got[0].JSON(), want)
			}
			var overdue []string
			for _, p := range got[0].Provisions {
				if p.Status == engine.Overdue {
					overdue = append(overdue, p.ID)
				}
			}
			if !slices.Equal(overdue, c.overdue) {
				t.Errorf("overdue %q, want %q", overdue, c.overdue)
			}
			// DerivesAt counts what StatesAt shows new, and leaves the set
			// as it was too.
			n, err := set.DerivesAt(at(c.at))
			if want := len(got[0].Derived) - len(set.State("").Derived); err != nil || n != want {
				t.Errorf("DerivesAt(%s) = %d, %v; want %d", c.at, n, err, want)
			}
			if after := set.State("").JSON(); !bytes.Equal(before, after) {
				t.Errorf("DerivesAt changed the set:\nbefore %s\nafter  %s", before, after)
			}
			// The set takes its next entry as if nothing happened.
			if err := set.Apply(engine.Event{Seq: 3, Type: engine.Tick, At: at("2026-01-31T11:00:00Z")}); err != nil {
				t.Errorf("the next entry after StatesAt: %v", err)
			}
		})
	}
}

func newSet(t *testing.T, a *agreement.Agreement, log []engine.Event) *engine.Set {
	t.Helper()
	s, err := engine.NewSet(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range log {
		if err := s.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
