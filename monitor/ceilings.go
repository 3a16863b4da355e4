package monitor

import (
	"slices"
	"sort"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
)

// ceilingState follows the open heavy-weapon incidents that a ceiling
// counts, and the ceiling violations already found (a violation, once
// found, stays with its incident).
type ceilingState struct {
	weapons map[string]*weapon     // by incident id, open or closed (closedKept)
	hits    map[string][]Violation // ceiling violations by incident id
	latest  time.Time              // the latest observation of a weapon counted
}

// weapon is a heavy-weapon incident inside a ceiling's zone, as last
// evaluated, with the span of time it is counted present.
type weapon struct {
	in        Incident
	lo, hi    time.Time
	count     int     // the largest count its observations report
	accuracyM float64 // of its position
}

func newCeilingState() ceilingState {
	return ceilingState{weapons: map[string]*weapon{}, hits: map[string][]Violation{}}
}

// presence is how long after its last sighting a weapon is still counted,
// so that a weapon seen once is not counted for days. Between its first
// and last sightings it is counted throughout, once: fusion keeps a thing
// that stays put one incident however long apart its sightings (each
// within the horizon of another), so a weapon re-sighted for days is one
// weapon, not one per few hours.
const presence = 6 * time.Hour

// markCeilings counts, for each ceiling and party, the equipment of the
// distinct heavy-weapon incidents inside the zone that are present at the
// same time (from first sighting to last sighting plus presence), and
// marks every incident present at an instant when the party is over its
// ceiling. The answer depends only on the incidents, not on how the
// observations were cut into batches: an incident's span only grows, and a
// violation once found stays. out[i] is the evaluation of touched[i], with
// the summary sums[i]. It returns out with the new violations added and
// the incidents a ceiling newly marks appended.
func (p *Pipeline) markCeilings(out []Incident, touched []*fusion.Incident, sums []*summary) []Incident {
	if len(p.m.Ceilings) == 0 {
		return out
	}
	st := &p.ceilings
	var at map[string]int // index in out by id, made when first needed
	for i := range out {
		in := &out[i]
		// A weapon closed for want of reports was present all the same:
		// it is counted with those it overlapped whether it closed before
		// or after they were seen — in a batch or in the next — so the
		// marks do not depend on how the reports were batched (a restart
		// that replays them in other batches marks what the live run
		// did). One merged into another is counted in the survivor.
		if in.Event == "heavy_weapon" && p.counted(in) && in.MergedInto == "" {
			st.weapons[in.ID] = &weapon{in: *in, lo: in.FirstObserved, hi: in.LastObserved.Add(presence),
				count: sums[i].count, accuracyM: touched[i].AccuracyM}
			st.latest = laterTime(st.latest, in.LastObserved)
		} else {
			delete(st.weapons, in.ID)
			delete(st.hits, in.ID)
		}
	}
	for _, c := range p.m.Ceilings {
		rule := c.Rule()
		byParty := map[string][]*weapon{}
		for _, w := range st.weapons {
			if c.Counts(w.in.Equipment) && slices.Contains(w.in.Zones, c.Zone) && c.Binds(w.in.Side) {
				byParty[w.in.Side] = append(byParty[w.in.Side], w)
			}
		}
		for _, party := range sortedKeys(byParty) {
			for _, w := range over(byParty[party], c.Max, c.Basis == agreement.BasisDay) {
				if slices.ContainsFunc(st.hits[w.in.ID], func(v Violation) bool { return v.Rule == rule }) {
					continue
				}
				v := violation(rule, c.Provision, party, sideConfidence(w.in.DistanceToLineM, w.accuracyM))
				st.hits[w.in.ID] = append(st.hits[w.in.ID], v)
				w.in.Violations = append(w.in.Violations, v)
				if at == nil {
					at = make(map[string]int, len(out))
					for i := range out {
						at[out[i].ID] = i
					}
				}
				if i, ok := at[w.in.ID]; ok {
					out[i].Violations = append(out[i].Violations, v)
				} else {
					at[w.in.ID] = len(out)
					out = append(out, w.in)
				}
			}
		}
	}
	// Closed weapons are forgotten, with their marks, once nothing seen
	// now could overlap them: a report of a new weapon that much later
	// than its time is not counted against them.
	for id, w := range st.weapons {
		if w.in.ClosedAt != nil && w.hi.Add(closedKept).Before(st.latest) {
			delete(st.weapons, id)
			delete(st.hits, id)
		}
	}
	return out
}

// CeilingKeeps reports whether the ceilings still count an incident (a
// heavy weapon inside a ceiling's zone), open or closed: while they do, a
// later batch may mark it over a ceiling, and Observe then hands out a
// new version of it, closed as it was, with the mark (a weapon seen with
// it grew since). A sector's worker keeps the closed ones it handed out
// for as long.
func (p *Pipeline) CeilingKeeps(id string) bool {
	_, ok := p.ceilings.weapons[id]
	return ok
}

// closedKept is how long after its presence ends a closed weapon is still
// counted with weapons seen since: two fusion horizons.
const closedKept = 48 * time.Hour

// laterTime is the later of two times.
func laterTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// counted reports whether some ceiling counts the incident's equipment in
// one of its zones.
func (p *Pipeline) counted(in *Incident) bool {
	for _, c := range p.m.Ceilings {
		if c.Counts(in.Equipment) && slices.Contains(in.Zones, c.Zone) {
			return true
		}
	}
	return false
}

// together reports whether two weapons present at once are counted
// together: each was opened before the other closed (on fusion's clock,
// whatever the batches). A report of a weapon that comes once the
// incident of the same weapon has closed opens another incident (fusion
// joins no closed one): it is not counted with the closed one, which would
// count the weapon twice — nor, then, is a late report of another weapon,
// as before closed weapons were kept.
func together(a, b *weapon) bool {
	return (a.in.ClosedAt == nil || b.in.OpenedAt.Before(*a.in.ClosedAt)) &&
		(b.in.ClosedAt == nil || a.in.OpenedAt.Before(*b.in.ClosedAt))
}

// over returns the weapons present at some instant when their counts sum
// to more than max — or, with day, present at some time of the same UTC
// day — in a deterministic order (by first sighting, then id).
func over(ws []*weapon, max int, day bool) []*weapon {
	span := func(w *weapon) (time.Time, time.Time) {
		if !day {
			return w.lo, w.hi
		}
		lo := w.lo.UTC().Truncate(24 * time.Hour)
		return lo, w.hi.UTC().Truncate(24 * time.Hour).Add(24*time.Hour - time.Nanosecond)
	}
	sort.Slice(ws, func(i, j int) bool {
		li, _ := span(ws[i])
		lj, _ := span(ws[j])
		if !li.Equal(lj) {
			return li.Before(lj)
		}
		if !ws[i].lo.Equal(ws[j].lo) {
			return ws[i].lo.Before(ws[j].lo)
		}
		return ws[i].in.ID < ws[j].in.ID
	})
	marked := map[*weapon]bool{}
	var out []*weapon
	var active []*weapon
	for _, w := range ws {
		// Weapons whose span ended before this one starts are gone.
		kept := active[:0]
		sum := w.count
		lo, _ := span(w)
		// The weapons counted with w: present with it, each together
		// with w and with every one counted before it (in the sort's
		// order), so that no weapon is counted twice through a third.
		set := []*weapon{w}
		for _, a := range active {
			if _, hi := span(a); !hi.Before(lo) {
				kept = append(kept, a)
				if !slices.ContainsFunc(set, func(b *weapon) bool { return !together(a, b) }) {
					set = append(set, a)
					sum += a.count
				}
			}
		}
		active = append(kept, w)
		if sum <= max {
			continue
		}
		for _, a := range set[1:] {
			if !marked[a] {
				marked[a] = true
				out = append(out, a)
			}
		}
		if !marked[w] {
			marked[w] = true
			out = append(out, w)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
