package talks

import (
	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
)

// Respond is how a party that answers on its own position alone answers a
// text: it accepts what it accepts (no red line and at least its
// reservation value), and otherwise objects to the issues whose option is
// one of its red lines, or, with none, to the issues that cost it most.
// The scripted negotiations of the demo and the tests answer so; a real
// delegation answers as it likes.
func Respond(public *accord.Scenario, party string, pos *accord.Position, text map[string]string) Answer {
	s := *public
	s.Positions = map[string]*accord.Position{party: pos}
	for _, v := range negotiate.Compile(&s).Evaluate(proposal("text", text)).Parties {
		if v.Party != party {
			continue
		}
		if v.Accepts {
			return Answer{Answer: AnswerAccept}
		}
		issues := v.RedLines
		if len(issues) == 0 {
			for _, c := range v.Costs {
				issues = append(issues, c.Issue)
			}
		}
		if len(issues) == 0 { // below its reservation value with nothing to blame: every decided issue
			for k := range text {
				issues = append(issues, k)
			}
		}
		return Answer{Answer: AnswerObject, Issues: sortedUnique(issues)}
	}
	return Answer{Answer: AnswerAccept}
}

func sortedUnique(s []string) []string {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return sortedKeys(m)
}
