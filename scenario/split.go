package scenario

import (
	"maps"
	"slices"

	"github.com/accord-peace/accord"
)

// Split writes a scenario in two parts: its public part (the scenario
// without positions, as Format writes it) and one position file per party
// that has a positions entry, keyed by party id (a party without one gets
// no file). The bytes depend only on s. ParsePublic and ParsePosition read
// them back, and Join puts them together again: into s itself when s is a
// scenario Parse returned (Format's round trip), and always into a scenario
// with the same analysis.
func Split(s *accord.Scenario) (public []byte, positions map[string][]byte, err error) {
	if s == nil {
		return nil, nil, accord.Errorf(accord.EINVALID, "split: no scenario")
	}
	pub := *s
	pub.Positions = nil
	if public, err = Format(&pub); err != nil {
		return nil, nil, err
	}
	positions = map[string][]byte{}
	for _, pid := range sortedKeys(s.Positions) {
		p := s.Positions[pid]
		if _, ok := s.Party(pid); !ok || p == nil {
			return nil, nil, accord.Errorf(accord.EINVALID, "split: scenario %q has a position for %q, which is not one of its parties", s.ID, pid)
		}
		doc := fmap("negotiation", str(s.ID), "party", str(pid))
		doc.node.Content = append(doc.node.Content, position(s, p).Content...)
		if positions[pid], err = encode(doc.node); err != nil {
			return nil, nil, err
		}
	}
	return public, positions, nil
}

// Join returns a copy of a public part with the parties' positions set:
// the whole scenario again. Every key of positions must be one of public's
// parties, and public must hold no positions of its own. The copy shares
// nothing with public or positions.
func Join(public *accord.Scenario, positions map[string]*accord.Position) (*accord.Scenario, error) {
	if public == nil {
		return nil, accord.Errorf(accord.EINVALID, "join: no public part")
	}
	if len(public.Positions) > 0 {
		return nil, accord.Errorf(accord.EINVALID, "join: the public part %q already holds positions (%d); a public part holds none", public.ID, len(public.Positions))
	}
	s := clone(public)
	for _, pid := range sortedKeys(positions) {
		if _, ok := public.Party(pid); !ok {
			return nil, accord.Errorf(accord.EINVALID, "join: a position for %q, which is not a party of %q (its parties: %s)", pid, public.ID, partyList(public))
		}
		if positions[pid] == nil {
			return nil, accord.Errorf(accord.EINVALID, "join: the position of %q is nil", pid)
		}
		s.Positions[pid] = clonePosition(positions[pid])
	}
	return s, nil
}

// clone copies a scenario's structure deeply, with an empty Positions map.
func clone(s *accord.Scenario) *accord.Scenario {
	c := &accord.Scenario{ID: s.ID, Title: s.Title, Positions: map[string]*accord.Position{}}
	c.Parties = slices.Clone(s.Parties)
	for i := range c.Parties {
		c.Parties[i].Roles = maps.Clone(c.Parties[i].Roles)
	}
	c.Tracks = slices.Clone(s.Tracks)
	c.Issues = slices.Clone(s.Issues)
	for i := range c.Issues {
		opts := slices.Clone(c.Issues[i].Options)
		for j := range opts {
			opts[j].Instruments = slices.Clone(opts[j].Instruments)
		}
		c.Issues[i].Options = opts
	}
	c.Proposals = slices.Clone(s.Proposals)
	for i := range c.Proposals {
		c.Proposals[i].Choices = maps.Clone(c.Proposals[i].Choices)
	}
	return c
}

func clonePosition(p *accord.Position) *accord.Position {
	c := *p
	c.BATNARange = cloneRange(p.BATNARange)
	c.Issues = maps.Clone(p.Issues)
	for k, ip := range c.Issues {
		ip.Utility = maps.Clone(ip.Utility)
		ip.UtilityRange = maps.Clone(ip.UtilityRange)
		ip.WeightRange = cloneRange(ip.WeightRange)
		ip.RedLines = slices.Clone(ip.RedLines)
		c.Issues[k] = ip
	}
	c.Interactions = slices.Clone(p.Interactions)
	for i := range c.Interactions {
		c.Interactions[i].When = maps.Clone(c.Interactions[i].When)
	}
	c.Sequencing = slices.Clone(p.Sequencing)
	c.Sources = slices.Clone(p.Sources)
	return &c
}

func cloneRange(r *[2]float64) *[2]float64 {
	if r == nil {
		return nil
	}
	c := *r
	return &c
}
