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
	return e.decide(ls, m)
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

// decide returns the incident among ls that m joins, nil when it opens
// one, and whether it opens one because it is ambiguous. Each incident is
// equally likely a priori (repeats weighs a source's repeat); when two or
// more compete, so does a new event, as likely as an incident at the edge
// of validation (newEventLogLik): m opens an incident, not ambiguous, when
// a new event is likelier than any incident; else it joins the likeliest
// when that one's posterior is at least AttachAt, and opens an ambiguous
// incident when not. With one incident in ls m joins it: validate decided.
func (e *Engine) decide(ls []lik, m member) (*Incident, bool) {
	if len(ls) == 0 {
		return nil, false
	}
	e.repeats(ls, m)
	b := 0
	for i := range ls {
		if ls[i].ll > ls[b].ll {
			b = i
		}
	}
	if len(ls) == 1 {
		return ls[b].in, false
	}
	birth := newEventLogLik(m)
	if birth > ls[b].ll {
		return nil, false
	}
	sum := math.Exp(birth - ls[b].ll)
	for _, l := range ls {
		sum += math.Exp(l.ll - ls[b].ll)
	}
	if 1/sum < e.cfg.AttachAt {
		return nil, true
	}
	return ls[b].in, false
}
