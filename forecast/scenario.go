package forecast

import (
	"math"

	"github.com/accord-peace/accord"
)

// FromScenario maps an accord scenario onto the spatial models:
//
//   - one dimension per issue, in the scenario's order, named by its id;
//   - an issue's options, in the order listed, lie evenly on 0..100 (the
//     first at 0, the last at 100; a lone option at 50), so the scenario's
//     author orders options along the scale the models need;
//   - one actor per party with a position, in the scenario's order; its
//     position on an issue is the point of the option it values most (the
//     first listed on a tie);
//   - its salience on an issue is its weight there, normalised over its
//     issues, × 100; on an issue it takes no stance, salience 0 (and
//     position 50, which then counts for nothing);
//   - every party's power is 1: a scenario says who holds a veto, not how
//     much capability each party brings, and a veto is not a share of power.
func FromScenario(s *accord.Scenario) *Input {
	in := &Input{Name: s.ID, Description: s.Title}
	for _, is := range s.Issues {
		in.Dimensions = append(in.Dimensions, is.ID)
	}
	for _, p := range s.Parties {
		pos := s.Positions[p.ID]
		if pos == nil {
			continue
		}
		total := 0.0
		for _, ip := range pos.Issues {
			if ip.Weight > 0 {
				total += ip.Weight
			}
		}
		a := Actor{Name: p.ID, Description: p.Name, Power: 1}
		for _, is := range s.Issues {
			ip, ok := pos.Issues[is.ID]
			if !ok || total <= 0 || ip.Weight <= 0 {
				a.Position = append(a.Position, 50)
				a.Salience = append(a.Salience, 0)
				continue
			}
			a.Position = append(a.Position, optionPoint(is, bestOption(is, ip)))
			a.Salience = append(a.Salience, ip.Weight/total*100)
		}
		in.Actors = append(in.Actors, a)
	}
	return in
}

// bestOption is the index of the option the party values most, the first
// listed on a tie.
func bestOption(is accord.Issue, ip accord.IssuePosition) int {
	best, bu := 0, -1.0
	for k, o := range is.Options {
		if u := ip.Utility[o.ID]; u > bu {
			best, bu = k, u
		}
	}
	return best
}

// optionPoint is option k's point on 0..100.
func optionPoint(is accord.Issue, k int) float64 {
	n := len(is.Options)
	if n < 2 {
		return 50
	}
	return float64(k) / float64(n-1) * 100
}

// NearestOption is the index of the issue's option whose point on 0..100
// (as FromScenario lays them out) lies nearest x, the earlier on a tie;
// -1 for an issue without options.
func NearestOption(is accord.Issue, x float64) int {
	best, bd := -1, 0.0
	for k := range is.Options {
		if d := math.Abs(optionPoint(is, k) - x); best < 0 || d < bd {
			best, bd = k, d
		}
	}
	return best
}
