package negotiate

import (
	"github.com/accord-peace/accord"
)

// Tol is the absolute tolerance of every comparison (spec: 1e-9).
const Tol = 1e-9

// geq reports a ≥ b under the spec's tolerance.
func geq(a, b float64) bool { return a >= b-Tol }

// gt reports a > b under the spec's tolerance.
func gt(a, b float64) bool { return a > b+Tol }

// Model is a scenario compiled into index form for fast evaluation.
type Model struct {
	Scenario *accord.Scenario
	Parties  []Party // in scenario order
	Veto     []int   // indices into Parties of the veto parties
	Options  []int   // number of options per issue
}

// Party is one party's position in index form.
type Party struct {
	ID          string
	Veto        bool
	HasPosition bool
	BATNA       float64
	Weight      []float64   // raw weight per issue (0 when absent)
	Raw         [][]float64 // [issue][option] utility 0..100
	Red         [][]bool    // [issue][option] red line
	Inter       []Interaction
}

// Interaction is an accord.Interaction in index form.
type Interaction struct {
	Pairs []Choice
	Bonus float64
}

// Choice is one (issue, option) pair by index.
type Choice struct{ Issue, Option int }

// Compile turns a validated scenario into a Model.
func Compile(s *accord.Scenario) *Model {
	m := &Model{Scenario: s}
	for _, is := range s.Issues {
		m.Options = append(m.Options, len(is.Options))
	}
	for pi, p := range s.Parties {
		mp := Party{ID: p.ID, Veto: p.Veto}
		mp.Weight = make([]float64, len(s.Issues))
		mp.Raw = make([][]float64, len(s.Issues))
		mp.Red = make([][]bool, len(s.Issues))
		for k := range s.Issues {
			mp.Raw[k] = make([]float64, len(s.Issues[k].Options))
			mp.Red[k] = make([]bool, len(s.Issues[k].Options))
		}
		if pos, ok := s.Positions[p.ID]; ok {
			mp.HasPosition = true
			mp.BATNA = pos.BATNA
			for k, is := range s.Issues {
				ip, ok := pos.Issues[is.ID]
				if !ok {
					continue
				}
				mp.Weight[k] = ip.Weight
				for o, opt := range is.Options {
					mp.Raw[k][o] = ip.Utility[opt.ID]
				}
				for _, rl := range ip.RedLines {
					mp.Red[k][is.OptionIndex(rl)] = true
				}
			}
			for _, in := range pos.Interactions {
				var mi Interaction
				mi.Bonus = in.Bonus
				for k, is := range s.Issues {
					if o, ok := in.When[is.ID]; ok {
						mi.Pairs = append(mi.Pairs, Choice{k, is.OptionIndex(o)})
					}
				}
				mp.Inter = append(mp.Inter, mi)
			}
		}
		if p.Veto {
			m.Veto = append(m.Veto, pi)
		}
		m.Parties = append(m.Parties, mp)
	}
	return m
}

// weights returns party p's weights normalised over the issues where
// decided[k] is true (all issues when decided is nil).
func (p *Party) weights(decided []bool) []float64 {
	sum := 0.0
	for k, w := range p.Weight {
		if decided == nil || decided[k] {
			sum += w
		}
	}
	out := make([]float64, len(p.Weight))
	if sum == 0 {
		return out
	}
	for k, w := range p.Weight {
		if decided == nil || decided[k] {
			out[k] = w / sum
		}
	}
	return out
}

// Utility is U_i(p) of a complete package (option index per issue).
func (m *Model) Utility(party int, pkg []int) float64 {
	p := &m.Parties[party]
	w := p.weights(nil)
	u := 0.0
	for k, o := range pkg {
		u += w[k] * p.Raw[k][o]
	}
	for _, in := range p.Inter {
		if holds(in, pkg) {
			u += in.Bonus
		}
	}
	return u
}

func holds(in Interaction, pkg []int) bool {
	for _, c := range in.Pairs {
		if pkg[c.Issue] != c.Option {
			return false
		}
	}
	return true
}

// Accepts reports whether party accepts the complete package.
func (m *Model) Accepts(party int, pkg []int) bool {
	p := &m.Parties[party]
	for k, o := range pkg {
		if p.Red[k][o] {
			return false
		}
	}
	return geq(m.Utility(party, pkg), p.BATNA)
}

// Package names a package by issue id -> option id.
func (m *Model) Package(pkg []int) map[string]string {
	out := make(map[string]string, len(pkg))
	for k, o := range pkg {
		is := m.Scenario.Issues[k]
		out[is.ID] = is.Options[o].ID
	}
	return out
}

// surplus is u − batna, with a shortfall within the tolerance read as 0: an
// acceptable package at its BATNA has no gain, not a rounding-noise loss.
func surplus(u, batna float64) float64 {
	d := u - batna
	if d < 0 && d >= -Tol {
		return 0
	}
	return d
}

// Nash returns Π (U_i − batna_i) over veto parties (1 with none).
func (m *Model) Nash(pkg []int) float64 {
	v := 1.0
	for _, i := range m.Veto {
		v *= surplus(m.Utility(i, pkg), m.Parties[i].BATNA)
	}
	return v
}
