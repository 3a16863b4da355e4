package oracle

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
	in        *Incident
	ll        float64
	known, ok bool // whether in admits the report, once asked (decide)
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
		if q > validate {
			continue
		}
		l := lik{in: in, ll: ll}
		if revisable(in) {
			// One member: the rule is one pairwise test. Revision needs
			// to know (revise.go).
			l.known, l.ok = true, e.admitted(in, m)
			if l.ok {
				e.amb = append(e.amb, in)
			}
		}
		ls = append(ls, l)
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
// one, and whether it opens one because it is ambiguous. ls are the
// incidents m validates against; each is equally likely a priori (repeats
// weighs a source's repeat); when two or more compete, so does a new
// event, as likely as an incident at the edge of validation
// (newEventLogLik). m may join only an incident that admits it (the rule
// of score, asked of the likeliest first and of as few as need be): the
// likeliest of those, when its posterior among all of ls and the new event
// is at least AttachAt; m opens an incident, not ambiguous, when none
// admits it or a new event is likelier than any incident, and an
// ambiguous one otherwise. With one incident in ls, m joins it if it
// admits m: validate decided.
func (e *Engine) decide(ls []lik, m member) (*Incident, bool) {
	if len(ls) == 0 {
		return nil, false
	}
	e.repeats(ls, m)
	if len(ls) == 1 {
		if e.admits1(&ls[0], m) {
			return ls[0].in, false
		}
		return nil, false
	}
	top := math.Inf(-1)
	for _, l := range ls {
		top = math.Max(top, l.ll)
	}
	birth := newEventLogLik(m)
	if birth > top {
		return nil, false
	}
	sum := math.Exp(birth - top)
	for _, l := range ls {
		sum += math.Exp(l.ll - top)
	}
	// The likeliest that admits m: by descending likelihood (the first in
	// ls on a tie), asking as few as need be.
	for {
		b := -1
		for i := range ls {
			if (!ls[i].known || ls[i].ok) && (b < 0 || ls[i].ll > ls[b].ll) {
				b = i
			}
		}
		if b < 0 {
			return nil, false // none admits m
		}
		if math.Exp(ls[b].ll-top)/sum < e.cfg.AttachAt {
			return nil, true // none likely enough admits m
		}
		if e.admits1(&ls[b], m) {
			return ls[b].in, false
		}
	}
}

// admits1 is admitted for one entry of ls, asked once.
func (e *Engine) admits1(l *lik, m member) bool {
	if !l.known {
		l.known, l.ok = true, e.admitted(l.in, m)
	}
	return l.ok
}
