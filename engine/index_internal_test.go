package engine

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
)

// The engine's indexes (the consultations by id, the earliest deadline)
// stay what a scan of the state gives through a random record of
// violations, answers, findings and ticks across every stage's deadline,
// with entries refused along the way (a repeated violation, an answer from
// the wrong party or to a closed consultation, a finding short of its
// quorum): the state a refused entry leaves is the one before it, and no
// open consultation is ever left past its deadline.
func TestIndexesFollowTheState(t *testing.T) {
	a, err := agreement.Load("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			e := New(a)
			at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			seq := 0
			accepted := map[string]int{}
			apply := func(ev Event) bool {
				ev.Seq, ev.At = seq+1, at
				cs, vs, nd := slices.Clone(e.state.Consultations), slices.Clone(e.state.Violations), len(e.state.Derived)
				err := e.Apply(ev)
				if err == nil {
					seq++
					accepted[ev.Type]++
				} else if !reflect.DeepEqual(cs, e.state.Consultations) || !reflect.DeepEqual(vs, e.state.Violations) || nd != len(e.state.Derived) {
					t.Fatalf("refused entry %+v changed the state", ev)
				}
				checkIndexes(t, e)
				return err == nil
			}
			for _, p := range a.Parties {
				apply(Event{Type: Sign, Party: p})
			}
			ids := []string{}
			for range 600 {
				at = at.Add(time.Duration(rng.IntN(40)) * time.Hour / 4)
				party := a.Parties[rng.IntN(len(a.Parties))]
				var id string
				if len(ids) > 0 { // mostly a recent one, still open
					id = ids[max(0, len(ids)-1-rng.IntN(min(len(ids), 4+rng.IntN(40))))]
				}
				switch k := rng.IntN(10); {
				case k < 3 || id == "":
					if len(ids) > 0 && rng.IntN(5) == 0 {
						apply(Event{Type: ViolationEv, ID: id, Rule: "no-heavy-weapons-in-buffer", Party: party}) // repeated: refused
						continue
					}
					id = fmt.Sprintf("v%d", len(ids))
					if apply(Event{Type: ViolationEv, ID: id, Rule: "no-heavy-weapons-in-buffer", Party: party}) {
						ids = append(ids, id)
					}
				case k < 6:
					answer := []string{"accept", "dispute", "dispute", "dispute", "maybe"}[rng.IntN(5)]
					if c, ok := e.Consultation(id); ok && rng.IntN(4) > 0 {
						party = c.Party
					}
					apply(Event{Type: Response, Consultation: id, Party: party, Answer: answer, Evidence: "report"})
				case k < 8:
					for _, c := range e.state.Consultations[e.firstOpen:] {
						if c.Stage != StageNotice && c.Stage != StageClosed && rng.IntN(2) == 0 {
							id = c.ID
						}
					}
					g := a.Guarantors()
					signed := []string{g[rng.IntN(len(g))]}
					if rng.IntN(3) > 0 {
						signed = append(signed, g[(rng.IntN(len(g)-1)+1+indexOf(g, signed[0]))%len(g)])
					}
					outcome := []string{Upheld, Dismissed, Inconclusive}[rng.IntN(3)]
					apply(Event{Type: Finding, Consultation: id, SignedBy: signed, Outcome: outcome})
				case k < 9:
					apply(Event{Type: Response, Consultation: "none", Party: party, Answer: "accept"}) // unknown: refused
				default:
					at = at.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
					apply(Event{Type: Tick})
				}
			}
			missed := 0
			for _, d := range e.state.Derived {
				if strings.Contains(d.What, "in time") || strings.Contains(d.What, "no finding") {
					missed++
				}
			}
			if len(ids) < 50 || accepted[Response] < 5 || accepted[Finding] < 5 || missed < 20 {
				t.Errorf("too little exercised: %d violations, %d responses, %d findings, %d deadlines missed", len(ids), accepted[Response], accepted[Finding], missed)
			}
		})
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// checkIndexes compares the engine's indexes with a scan of its state.
func checkIndexes(t *testing.T, e *Engine) {
	t.Helper()
	cs := e.state.Consultations
	var want due
	seen := map[string]bool{}
	for i, c := range cs {
		want.add(c.Deadline)
		if c.Deadline != nil && c.Deadline.Before(e.state.Now) {
			t.Fatalf("consultation %s at stage %s is past its deadline %s at %s", c.ID, c.Stage, c.Deadline, e.state.Now)
		}
		if i < e.firstOpen && c.Stage != StageClosed {
			t.Fatalf("consultation %s is open before the first open one (%d)", c.ID, e.firstOpen)
		}
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		if j, ok := e.consultations[c.ID]; !ok || j != i {
			t.Fatalf("consultation %s is at %d, indexed at %d (%v)", c.ID, i, j, ok)
		}
		if got, ok := e.Consultation(c.ID); !ok || got.ID != c.ID || got.Stage != c.Stage {
			t.Fatalf("Consultation(%s) = %+v, %v", c.ID, got, ok)
		}
	}
	if len(e.consultations) != len(seen) {
		t.Fatalf("%d consultations indexed, %d in the state", len(e.consultations), len(seen))
	}
	if want.any != e.due.any || !want.at.Equal(e.due.at) {
		t.Fatalf("earliest deadline %+v, want %+v", e.due, want)
	}
}

// BenchmarkLongRecord is what an entry and a look-up of a consultation cost
// once the record holds thousands of open consultations (a day of a busy
// front): an index and the earliest deadline keep both from growing with
// the record.
func BenchmarkLongRecord(b *testing.B) {
	a, err := agreement.Load("../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		b.Fatal(err)
	}
	e := New(a)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	seq := 0
	apply := func(ev Event) {
		seq++
		ev.Seq, ev.At = seq, at
		if err := e.Apply(ev); err != nil {
			b.Fatal(err)
		}
	}
	for _, p := range a.Parties {
		apply(Event{Type: Sign, Party: p})
	}
	const n = 5000
	for i := range n {
		at = at.Add(time.Second)
		apply(Event{Type: ViolationEv, ID: fmt.Sprintf("v%d", i), Rule: "no-heavy-weapons-in-buffer", Party: a.Parties[i%2]})
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		at = at.Add(time.Millisecond)
		apply(Event{Type: Tick})
		if _, ok := e.Consultation(fmt.Sprintf("v%d", i%n)); !ok {
			b.Fatal("no consultation")
		}
	}
}
