package negotiate

import (
	"sort"

	"github.com/accord-peace/accord"
)

// Plane is the bargaining plane of two parties: the frontier of the
// acceptable set in their utilities, and where each proposal lies.
type Plane struct {
	XParty   string       `json:"x"`
	YParty   string       `json:"y"`
	Frontier []PlanePoint `json:"frontier"` // sorted by X
	Count    Count        `json:"-"`
	// Exact is false when the budget cut the search: the frontier lists
	// only the points found, some of which a package not searched may
	// dominate.
	Exact     bool         `json:"exact"`
	Proposals []PlanePoint `json:"proposals"`
	BATNA     [2]float64   `json:"batna"`
}

// PlanePoint is one point of the plane.
type PlanePoint struct {
	Label    string            `json:"label,omitempty"`
	X        float64           `json:"x"`
	Y        float64           `json:"y"`
	Accepted bool              `json:"accepted"` // proposals: every veto party accepts
	Partial  bool              `json:"partial,omitempty"`
	Package  map[string]string `json:"package,omitempty"`
}

// Plane computes the two-party frontier of the acceptable set: the
// acceptable packages that no other acceptable package betters for both x and
// y. The parties need not hold a veto.
func (m *Model) Plane(x, y string, o Options) (*Plane, error) {
	xi, yi := m.partyIndex(x), m.partyIndex(y)
	if xi < 0 || yi < 0 {
		bad := x
		if xi >= 0 {
			bad = y
		}
		return nil, accord.Errorf(accord.ENOTFOUND, "unknown party %q", bad)
	}
	if xi == yi {
		return nil, accord.Errorf(accord.EINVALID, "the plane needs two different parties, got %q twice", x)
	}
	s := m.acceptableSpace(o, xi, yi)
	n := len(m.Veto)
	f := paretoSearch(s, []int{n, n + 1}, o.budget())
	if err := o.interrupted("the frontier of " + x + " and " + y); err != nil {
		return nil, err
	}
	pl := &Plane{XParty: x, YParty: y, Count: f.count, Exact: f.count.Exact, Frontier: []PlanePoint{}, BATNA: [2]float64{m.Parties[xi].BATNA, m.Parties[yi].BATNA}}
	for _, pt := range f.points {
		pl.Frontier = append(pl.Frontier, PlanePoint{X: pt.vec[0], Y: pt.vec[1], Accepted: true, Package: m.Package(pt.pkg)})
	}
	sort.SliceStable(pl.Frontier, func(a, b int) bool { return pl.Frontier[a].X < pl.Frontier[b].X })
	for i := range m.Scenario.Proposals {
		ev := m.Evaluate(&m.Scenario.Proposals[i])
		pt := PlanePoint{Label: ev.Proposal, Accepted: ev.AcceptedByVeto, Partial: ev.Partial}
		for _, v := range ev.Parties {
			if v.Party == x {
				pt.X = v.Utility
			}
			if v.Party == y {
				pt.Y = v.Utility
			}
		}
		pl.Proposals = append(pl.Proposals, pt)
	}
	return pl, nil
}

func (m *Model) partyIndex(id string) int {
	for i, p := range m.Parties {
		if p.ID == id {
			return i
		}
	}
	return -1
}
