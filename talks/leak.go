package talks

// Leak counts what a party's view of the history logically determines of
// the other veto parties' red lines.
//
// A party sees every draft's text and whether every veto party accepts it,
// and the same for every text it asked about (its requests). When a text
// is acceptable to all, no decided option of it is a red line of any veto
// party: each such (party, issue, option) is determined. When a text is
// not acceptable to all, some veto party refuses it — by a red line or
// because its utility falls below its reservation value, which the party
// cannot tell apart without the others' utilities: no red line is ever
// determined to hold, only determined not to.
type Leak struct {
	// Options are the (issue, option) pairs known to be no other veto
	// party's red line.
	Options int `json:"options"`
	// RedLines are the (party, issue, option) triples determined: known
	// not to be that party's red line.
	RedLines int `json:"red_lines"`
	// Of is how many triples there are to determine: every option of every
	// issue, for every other veto party.
	Of int `json:"of"`
}

type leakTracker struct {
	n     *Negotiation
	veto  []string
	known map[string]map[[2]string]bool // party -> (issue, option) seen in a text acceptable to all
}

func newLeakTracker(n *Negotiation) *leakTracker {
	t := &leakTracker{n: n, veto: n.vetoParties(), known: map[string]map[[2]string]bool{}}
	for _, p := range n.Public.Parties {
		t.known[p.ID] = map[[2]string]bool{}
	}
	return t
}

// learn adds what a text acceptable to all tells party p.
func (t *leakTracker) learn(p string, text map[string]string) {
	for k, o := range text {
		t.known[p][[2]string{k, o}] = true
	}
}

// round adds what the round's draft tells every party and its requests
// tell their authors.
func (t *leakTracker) round(r *Round) {
	for _, p := range t.n.Public.Parties {
		if r.AcceptableToAll {
			t.learn(p.ID, r.Text)
		}
		for _, q := range r.Requests[p.ID] {
			if q.Known && q.AcceptableToAll {
				t.learn(p.ID, q.Content.Text)
			}
		}
	}
}

// counts is each party's leak so far.
func (t *leakTracker) counts() map[string]Leak {
	options := 0
	for _, is := range t.n.Public.Issues {
		options += len(is.Options)
	}
	out := map[string]Leak{}
	for _, p := range t.n.Public.Parties {
		others := len(t.veto)
		if p.Veto {
			others--
		}
		l := Leak{Options: len(t.known[p.ID]), Of: others * options}
		l.RedLines = l.Options * others
		if others == 0 {
			l.Options = 0
		}
		out[p.ID] = l
	}
	return out
}
