package fusion

import "math"

// Assignment is how a report chooses among the open incidents that admit
// it (that it fits member by member, as score tests).
type Assignment int

const (
	// Likelihood, the default, weighs each admitting incident by the
	// likelihood of the report under it (likelihood.go): an incident whose
	// mean the report lies too far from (q > validate) is of another
	// event; of the rest the report joins the likeliest, but only when its
	// posterior among them is at least Config.AttachAt. When it is not,
	// the report cannot tell its event from another near it: it opens an
	// incident of its own, marked Ambiguous. Persistent things, and
	// reports outside the summaries' domain, are assigned by WorstFit.
	Likelihood Assignment = iota
	// WorstFit joins the admitting incident of least score (its worst
	// member's distance over the gate plus time gap over the window), the
	// first such: the rule before the likelihood.
	WorstFit
)

// lik is an admitting incident's log-likelihood for a report.
type lik struct {
	in *Incident
	ll float64
}

// assign returns the incident a report joins (nil: it opens one) and
// whether it opens one because it is ambiguous between incidents. The
// likelihood's test (q ≤ validate), cheap, comes before the rule of score
// (member by member, or from the summaries).
func (e *Engine) assign(m member) (*Incident, bool) {
	e.amb = e.amb[:0]
	g := group(m.r.Event)
	if e.cfg.Assign == WorstFit || persistent(g) || !plain(m.r) {
		return e.choose(m), false
	}
	ls := e.liks[:0]
	for _, in := range e.candidates(m) {
		if in.family != g {
			continue
		}
		if in.slow {
			e.amb = e.amb[:0]
			return e.choose(m), false // a member outside the domain: the old rule
		}
		ll, q := e.likelihood(in, m)
		if q > validate || !e.admitted(in, m) {
			continue
		}
		if revisable(in) {
			e.amb = append(e.amb, in)
		}
		ls = append(ls, lik{in, ll})
	}
	clear(ls[len(ls):cap(ls)])
	e.liks = ls
	e.repeats(ls, m)
	best, p := posterior(ls)
	if best == nil {
		return nil, false
	}
	if p < e.cfg.AttachAt {
		return nil, true
	}
	return best, false
}

// admitted is score's verdict on m and in: from the summaries when they may
// judge, else member by member.
func (e *Engine) admitted(in *Incident, m member) bool {
	if e.summarised(in, m) {
		return e.admits(in, m)
	}
	if len(in.members) >= summaryMin && e.refutes(in, m) {
		return false
	}
	_, ok := e.score(in, m)
	return ok
}

// posterior returns the likeliest incident (the first of them on a tie)
// and its posterior probability among ls, the incidents equally likely a
// priori.
func posterior(ls []lik) (*Incident, float64) {
	if len(ls) == 0 {
		return nil, 0
	}
	b := 0
	for i := range ls {
		if ls[i].ll > ls[b].ll {
			b = i
		}
	}
	sum := 0.0
	for _, l := range ls {
		sum += math.Exp(l.ll - ls[b].ll)
	}
	return ls[b].in, 1 / sum
}
