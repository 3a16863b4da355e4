package sector

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-peace/accord/monitor"
)

// Part is one sector's share of a batch: the versions its worker handed
// out for it, in order.
type Part struct {
	Sector   int
	Versions []Version
}

// ApplyBatch takes the sectors' parts of one batch — the batch decided
// whole, as one pipeline takes it — and returns the versions to record,
// with global ids: each part's as Apply gives them, but with the ids one
// pipeline would give, and in the order one pipeline hands them out —
// by where in the batch a sector's pipeline first changed each
// (Version.At; the parts' order where that is alike, but incidents that
// closed at one observation in the order of their ids, as fusion closes
// them, and missing presence reports due at one place in the order of
// their duties, Duties; a version the sequencer makes, right after the
// one it came with). Parts without At keep the parts' order. The incidents the batch
// records for the first time are numbered in the order fusion opened
// them: by the line of the whole batch whose observation opened each
// (Version.Opened), those opened in an earlier batch (recorded only now)
// first, in the order they came. And a global incident first recorded in
// the batch that the sequencer then merges into another within it (a
// sector's partial view of another's incident) is not recorded at all:
// its versions are left out, it takes no id, and what named it names the
// incident it merged into. The result is a function of the parts, so a
// replay of the batches through ApplyBatch gives the same ids.
func (s *Sequencer) ApplyBatch(parts []Part) []monitor.Incident {
	s.batch = &batchIDs{from: s.next, opened: map[string]int{}, dissolved: map[string]string{}, touched: map[*global]bool{}, duties: s.Duties}
	defer func() { s.batch = nil }()
	var out []monitor.Incident
	for _, p := range parts {
		out = s.apply(p.Sector, p.Versions, out)
	}
	out = s.renumber(out)
	return s.batch.inOrder(out)
}

// batchIDs is what ApplyBatch keeps of the ids given in its batch: the
// ids of the batch start after from; opened says, for each, the line of
// the observation that opened its incident (Version.Opened: 0 when none
// of the batch did); dissolved maps those merged within the batch to the
// id they merged into; touched are the global incidents whose last
// version the batch handed out, and closed the closed ones it kept for a
// late version: only those may name an id of the batch.
type batchIDs struct {
	from      int
	opened    map[string]int
	dissolved map[string]string
	touched   map[*global]bool
	closed    []*closedGlobal
	// at is, for each version handed out so far, the place in the batch
	// of the sector's version it came from (Version.At; 0: right after
	// the one before it).
	at []int
	// duties are the sequencer's Duties.
	duties []string
}

// place notes the place of the versions handed out since the last note
// (out holds n now). Outside a batch it does nothing.
func (b *batchIDs) place(n, at int) {
	if b == nil {
		return
	}
	for len(b.at) < n {
		b.at = append(b.at, at)
	}
}

// drop drops the places of the versions fixups left out.
func (b *batchIDs) drop(drop map[int]bool) {
	if b == nil {
		return
	}
	kept := b.at[:0]
	for i, at := range b.at {
		if !drop[i] {
			kept = append(kept, at)
		}
	}
	b.at = kept
}

// inOrder puts the batch's versions in the order one pipeline hands them
// out: by the place where a sector's pipeline first changed each
// (Version.At), the sectors' parts in their order where the places are
// alike — but incidents that closed at the same observation in the order
// of their ids, as fusion closes them, and missing presence reports due
// at the same place duty by duty, in the duties' order (each duty's in
// one sector, in their order), as one pipeline judges them.
func (b *batchIDs) inOrder(out []monitor.Incident) []monitor.Incident {
	if len(b.at) != len(out) {
		return out // not told the places
	}
	for i := range b.at {
		if b.at[i] == 0 && i > 0 {
			b.at[i] = b.at[i-1]
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		ax, ay := b.at[x], b.at[y]
		if ax != ay {
			return cmp.Compare(ax, ay)
		}
		if ax > 0 && ax <= monitor.OrderCeiling && (ax-1)%4 == 2 { // closed at one line
			return idNumber(out[x].ID) - idNumber(out[y].ID)
		}
		if ax > 0 && ax <= monitor.OrderCeiling && (ax-1)%4 == 3 { // missing reports due at one line
			return b.duty(out[x].ID) - b.duty(out[y].ID)
		}
		return 0
	})
	sorted := make([]monitor.Incident, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// duty is the place among the duties of the presence duty whose missing
// report id is (presence:ID:PERIOD), or len(duties) for none.
func (b *batchIDs) duty(id string) int {
	for i, rule := range b.duties {
		if strings.HasPrefix(id, rule+":") {
			return i
		}
	}
	return len(b.duties)
}

// newID gives the next global id to an incident whose version says
// where it opened (Version.Opened).
func (s *Sequencer) newID(opened int) string {
	s.next++
	id := "inc-" + strconv.Itoa(s.next)
	if s.batch != nil {
		s.batch.opened[id] = opened
	}
	return id
}

// dissolve notes that the sequencer merged global incident id into
// another: one first recorded in the batch is left out of it (renumber).
func (s *Sequencer) dissolve(id, into string) {
	if s.batch != nil && idNumber(id) > s.batch.from {
		s.batch.dissolved[id] = into
	}
}

// adopted notes that a claim went on under global incident g, which it
// beat (Sequencer.claim): when the batch gave g its id, g's versions
// handed out so far in the batch were a partial view of the claim's
// incident, which lists them all. They are left out, and g's id is
// numbered where the claim's incident opened.
func (s *Sequencer) adopted(g *global, v *Version, out []monitor.Incident) []monitor.Incident {
	b := s.batch
	if b == nil || idNumber(g.id) <= b.from {
		return out
	}
	if v.Opened > 0 {
		b.opened[g.id] = v.Opened
	}
	// Marked, not cut: the batch's fixups hold places in out.
	for i := range out {
		if out[i].ID == g.id {
			out[i].ID = partialView
		}
	}
	return out
}

// partialView marks the versions adopted leaves out (renumber cuts them).
const partialView = "\x00partial"

// renumber gives the ids of the batch in one pipeline's order (see
// ApplyBatch), in the versions handed out and in the sequencer's state.
func (s *Sequencer) renumber(out []monitor.Incident) []monitor.Incident {
	b := s.batch
	for _, v := range s.pending {
		v.Opened = 0 // opened in an earlier batch, from the next on
	}
	if s.next == b.from {
		return out
	}
	// Where each dissolved incident went in the end.
	into := func(id string) string {
		for i := 0; i < len(b.dissolved); i++ {
			to, ok := b.dissolved[id]
			if !ok {
				break
			}
			id = to
		}
		return id
	}
	kept, at := out[:0], b.at[:0]
	for i, in := range out {
		if _, ok := b.dissolved[in.ID]; ok || in.ID == partialView {
			continue
		}
		if in.MergedInto != "" {
			in.MergedInto = into(in.MergedInto)
		}
		kept = append(kept, in)
		if i < len(b.at) {
			at = append(at, b.at[i])
		}
	}
	b.at = at
	clear(out[len(kept):])
	out = kept
	// The batch's ids, in the order fusion opened their incidents.
	ids := make([]string, 0, s.next-b.from)
	for n := b.from + 1; n <= s.next; n++ {
		if id := "inc-" + strconv.Itoa(n); b.dissolved[id] == "" {
			ids = append(ids, id)
		}
	}
	slices.SortStableFunc(ids, func(x, y string) int { return b.opened[x] - b.opened[y] })
	rename := make(map[string]string, len(ids))
	for i, id := range ids {
		if to := "inc-" + strconv.Itoa(b.from+1+i); to != id {
			rename[id] = to
		}
	}
	s.next = b.from + len(ids)
	if len(rename) == 0 {
		return out
	}
	re := func(id string) string {
		if to, ok := rename[id]; ok {
			return to
		}
		return id
	}
	for i := range out {
		out[i].ID, out[i].MergedInto = re(out[i].ID), re(out[i].MergedInto)
	}
	var moved []*global
	for id := range rename {
		if g := s.global[id]; g != nil {
			moved = append(moved, g)
			delete(s.global, id)
		}
	}
	for _, g := range moved {
		g.id = re(g.id)
		s.global[g.id] = g
	}
	for g := range b.touched {
		if s.global[g.id] == g {
			g.last.ID, g.last.MergedInto = re(g.last.ID), re(g.last.MergedInto)
		}
	}
	for _, c := range b.closed {
		c.ID = re(c.ID)
	}
	return out
}
