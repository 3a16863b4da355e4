package sector

import (
	"strconv"
	"strings"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// Sequencer maps the sectors' local incidents to global ones, in the one
// order of the ordered stage (the recorder): a local incident gets the
// next global id "inc-N" when its first version arrives, and every
// version of it is handed out under that id, MergedInto rewritten too.
// With one sector, the first versions arrive in fusion's creation order,
// so the global ids are the pipeline's own: the sequencer is the
// identity.
//
// Claims. The sequencer keeps, for every open global incident, its
// members' keys. A version whose members are another global incident's
// too is a second claim on them (two sectors whose views differ): the
// claim with the more precise anchor (Anchor.Less) wins. A loser the
// sequencer has recorded is merged into the winner — state merged,
// MergedInto the winner, handed out after the winner's version, as fusion
// hands out its own merges; a loser never recorded (a partial view's
// first claim) is not recorded at all, and its later versions are claims
// again. So when ownership moves (a more precise report in another
// sector) the incident recorded so far is merged into the new owner's,
// and when two sectors' incidents turn out to share members the less
// precise is merged into the other. A global incident whose sector
// released it (Version.Released) keeps its members until another
// sector's claim takes them, and loses to any claim. Where a sector's own
// fusion merged two of its incidents in one batch, the survivor's taking
// the merged one's members is no conflict: the sector's merged version
// follows.
//
// Closed incidents are forgotten once handed out (their members' keys
// too): memory holds the open incidents. The sequencer is a function of
// the sequence of Apply calls: replaying the ordered log through a new
// one restores it.
//
// A Sequencer is not safe for concurrent use: the ordered stage feeds it.
type Sequencer struct {
	next   int
	local  map[string]*global      // local id → the global incident it claims
	global map[string]*global      // open global incidents by id
	byKey  map[monitor.Key]*global // member key → its open global incident
	handed map[string]string       // local id → global id handed out in this Apply
}

// global is an open global incident.
type global struct {
	id     string
	owner  string // the local id whose versions it records; "" when released
	anchor Anchor
	keys   []monitor.Key
	last   monitor.Incident // the last version handed out (global id)
}

// NewSequencer returns a sequencer that has handed out no id yet.
func NewSequencer() *Sequencer {
	return &Sequencer{local: map[string]*global{}, global: map[string]*global{}, byKey: map[monitor.Key]*global{}, handed: map[string]string{}}
}

// Open is the number of open global incidents.
func (s *Sequencer) Open() int { return len(s.global) }

// Apply takes the versions a sector handed out for one batch, in order,
// and returns the versions to record, with global ids.
func (s *Sequencer) Apply(sector int, versions []Version) []monitor.Incident {
	prefix := Prefix(sector)
	// The sector's own merges in this batch: the survivor's version (first,
	// as fusion hands them out) lists the merged incident's members.
	var mergedInto map[string]string
	for i := range versions {
		if in := &versions[i].Incident; in.State == fusion.Merged && strings.HasPrefix(in.ID, prefix) {
			if mergedInto == nil {
				mergedInto = map[string]string{}
			}
			mergedInto[in.ID] = in.MergedInto
		}
	}
	var out []monitor.Incident
	var fix []fixup
	clear(s.handed)
	for i := range versions {
		v := &versions[i]
		if !strings.HasPrefix(v.Incident.ID, prefix) {
			out = append(out, v.Incident) // a global id already
			continue
		}
		switch {
		case v.Released:
			s.release(v)
		case v.Incident.State == fusion.Merged:
			out = s.merged(v, out, &fix)
		default:
			out = s.claim(v, mergedInto, out)
		}
	}
	if len(fix) == 0 {
		return out
	}
	// The merged versions name their survivors; one whose survivor is not
	// recorded (its claim lost) is not handed out.
	drop := map[int]bool{}
	for _, f := range fix {
		into, ok := s.handed[f.local]
		if !ok {
			if g := s.local[f.local]; g != nil && g.owner == f.local {
				into, ok = g.id, true
			}
		}
		if !ok {
			drop[f.at] = true
			continue
		}
		out[f.at].MergedInto = into
	}
	if len(drop) == 0 {
		return out
	}
	kept := out[:0]
	for i, in := range out {
		if !drop[i] {
			kept = append(kept, in)
		}
	}
	return kept
}

// release ends a local incident's claim: its global incident stays open,
// with its members, until a claim takes them.
func (s *Sequencer) release(v *Version) {
	g := s.local[v.Incident.ID]
	delete(s.local, v.Incident.ID)
	if g != nil && g.owner == v.Incident.ID {
		g.owner = ""
	}
}

// merged hands out a sector's own merge of one of its incidents into
// another. The survivor may be handed out later in the batch (fix).
func (s *Sequencer) merged(v *Version, out []monitor.Incident, fix *[]fixup) []monitor.Incident {
	id := v.Incident.ID
	g := s.local[id]
	delete(s.local, id)
	switch {
	case g == nil:
		// Opened and merged in one batch: its first version.
		s.next++
		g = &global{id: "inc-" + strconv.Itoa(s.next)}
	case g.owner != id:
		return out // recorded as another's
	default:
		s.forget(g)
	}
	in := v.Incident
	in.ID = g.id
	*fix = append(*fix, fixup{at: len(out), local: in.MergedInto, g: g})
	return append(out, in)
}

// fixup is a merged version whose MergedInto is set once the batch is
// through: out[at] merged into local's global incident.
type fixup struct {
	at    int
	local string
	g     *global
}

// claim hands out a version of a local incident the sector claims,
// settling conflicts with other global incidents on its members.
func (s *Sequencer) claim(v *Version, mergedInto map[string]string, out []monitor.Incident) []monitor.Incident {
	id := v.Incident.ID
	g := s.local[id]
	if g != nil && g.owner != id {
		// It lost its global incident to another claim, or released it
		// and claims again.
		if s.global[g.id] == g && g.owner == "" {
			g.owner = id
		} else {
			delete(s.local, id)
			g = nil
		}
	}
	// The other global incidents holding its members.
	var rivals []*global
	for _, k := range v.Incident.Observations {
		h := s.byKey[k]
		if h == nil || h == g || contains(rivals, h) {
			continue
		}
		if h.owner != "" && mergedInto[h.owner] == id {
			continue // the sector's own merge: its merged version follows
		}
		rivals = append(rivals, h)
	}
	for _, h := range rivals {
		if h.owner != "" && h.anchor.Less(v.Anchor) {
			// A more precise claim holds them.
			if g == nil {
				return out // never recorded: drop the claim
			}
			in := mergedVersion(g.last, h.id)
			s.forget(g)
			delete(s.local, id)
			return append(out, in)
		}
	}
	if g == nil {
		s.next++
		g = &global{id: "inc-" + strconv.Itoa(s.next), owner: id}
		s.global[g.id] = g
		s.local[id] = g
	}
	in := v.Incident
	in.ID = g.id
	if in.MergedInto != "" {
		if into := s.local[in.MergedInto]; into != nil {
			in.MergedInto = into.id
		}
	}
	g.anchor, g.last = v.Anchor, in
	for _, k := range v.Incident.Observations {
		if h := s.byKey[k]; h != g {
			s.byKey[k] = g
			g.keys = append(g.keys, k)
		}
	}
	out = append(out, in)
	s.handed[id] = g.id
	for _, h := range rivals {
		out = append(out, mergedVersion(h.last, g.id))
		s.forget(h)
	}
	if in.ClosedAt != nil {
		s.forget(g)
		delete(s.local, id)
	}
	return out
}

// forget drops a global incident that closed or merged, with its members'
// keys and its owner's claim.
func (s *Sequencer) forget(g *global) {
	for _, k := range g.keys {
		if s.byKey[k] == g {
			delete(s.byKey, k)
		}
	}
	g.keys = nil
	delete(s.global, g.id)
	if g.owner != "" && s.local[g.owner] == g {
		delete(s.local, g.owner)
	}
	g.owner = ""
}

func contains(gs []*global, g *global) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// mergedVersion is the version of a global incident merged into another
// by the sequencer, shaped as the pipeline shapes fusion's merged
// versions: where and when it was, the survivor, no observation (they are
// the survivor's now) and no violation of its own.
func mergedVersion(last monitor.Incident, into string) monitor.Incident {
	return monitor.Incident{
		ID: last.ID, State: fusion.Merged, Event: last.Event, Equipment: last.Equipment,
		Location: last.Location, FirstObserved: last.FirstObserved, LastObserved: last.LastObserved,
		Zones: []string{}, Violations: []monitor.Violation{}, Ambiguous: last.Ambiguous, MergedInto: into,
	}
}
