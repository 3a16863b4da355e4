package talks

import (
	"maps"
	"slices"
)

// Clone returns a copy of the negotiation that Apply can change without
// changing n: the mediation applies a submission to a copy, records it,
// and only then keeps the copy, so that a record that refuses the entry
// (a replay raced in by another route) leaves the state as it was.
// What Apply never changes in place — the public part, the versions'
// positions, a closed round, the figures computed once — is shared.
func (n *Negotiation) Clone() *Negotiation {
	c := *n
	c.Versions = make(map[string][]*Version, len(n.Versions))
	for p, vs := range n.Versions {
		c.Versions[p] = slices.Clone(vs)
	}
	c.Rounds = slices.Clone(n.Rounds)
	if k := len(c.Rounds) - 1; k >= 0 {
		r := *c.Rounds[k]
		r.Answers = maps.Clone(r.Answers)
		r.Requests = make(map[string][]Recorded[Request], len(n.Rounds[k].Requests))
		for p, qs := range n.Rounds[k].Requests {
			r.Requests[p] = slices.Clone(qs)
		}
		r.Provisional = slices.Clone(r.Provisional)
		c.Rounds[k] = &r
	}
	c.sign.Signed = slices.Clone(n.sign.Signed)
	return &c
}
