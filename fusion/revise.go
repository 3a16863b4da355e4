package fusion

import "slices"

// Revision: a report that opened an incident of its own because it was
// ambiguous (Assignment) is assigned again when evidence arrives that may
// settle it, and merges into the incident it now clearly belongs to. The
// evidence that can settle it is a report that joins or opens an incident
// the ambiguous report is compatible with: a report it fits (member by
// member, the pairwise test being symmetric) changed that incident. So
// after each report the engine assigns again the ambiguous incidents of
// one report among the incidents that admitted it and that the report's
// incident now admits: their report's posterior is computed anew among the
// incidents it was ambiguous between and those that changed near it since
// (its rivals), and one that now attaches merges into its incident. The
// work is bounded: a few likelihoods per revision, a bounded number of
// revisions per ambiguous incident.
//
// A merge is a change of both incidents, handed out by TakeRevised: the
// survivor, which took the report, and the merged incident, which keeps
// its id, takes the state Merged, names the survivor in MergedInto, holds
// no report any more and leaves the engine. Nothing recorded is lost: the
// merged incident's earlier versions list its report, the survivor's new
// one lists it too, and the merged version says where it went.

// revisable reports whether in is an ambiguous incident of one report
// that revision may merge into another.
func revisable(in *Incident) bool {
	return in.Ambiguous && in.State != Merged && in.ClosedAt.IsZero() && len(in.members) == 1
}

// revise assigns again the ambiguous incidents among those that admitted
// the report just added (amb, joined being the incident it joined or
// opened), and merges each that now attaches.
func (e *Engine) revise(amb []*Incident, joined *Incident) {
	if revisable(joined) {
		return // an ambiguous report opened it: it settles nothing
	}
	for _, s := range amb {
		if s == joined || !revisable(s) {
			continue
		}
		m := *s.alone
		// Only joined changed: unless m now fits it, nothing can settle
		// m. Each incident is assigned again a bounded number of times.
		if s.revisions >= reviseBudget || !e.fitsNow(joined, m) {
			continue
		}
		s.revisions++
		target := e.reassign(m, s, joined)
		if target == nil {
			continue
		}
		e.unindex(s)
		e.seen.move(Ref{Source: m.r.Source, ID: m.r.ID}, target)
		e.join(target, m)
		e.lasts[target.pos].at = target.LastObserved
		e.reindex(target)
		s.State, s.MergedInto = Merged, target.ID
		e.lasts[s.pos].merged = true
		s.members, s.Reports, s.ownerConf, s.attrib = nil, nil, nil, nil
		s.sum, s.eventBy, s.rivals, s.alone = nil, Report{}, nil, nil
		e.nMerged++
		e.revised = append(e.revised, target, s)
	}
}

// reviseBudget is how many times an ambiguous incident is assigned again
// at most: the work of revision per report is bounded.
var reviseBudget = 4

// maxRivals bounds the incidents an ambiguous incident remembers.
const maxRivals = 8

// fitsNow reports whether m fits in (member by member) and lies within
// validate of its mean.
func (e *Engine) fitsNow(in *Incident, m member) bool {
	if in.slow || in.State == Merged || !in.ClosedAt.IsZero() || in.family != group(m.r.Event) {
		return false
	}
	if q, _ := e.mahalanobis(in, m); q > validate {
		return false
	}
	return e.admitted(in, m)
}

// reassign is assign for the report of an ambiguous incident s, over the
// incidents it was ambiguous between (its rivals) and joined, which it
// fits and which changed: the incident it would now join, nil when none
// clearly. joined joins the rivals.
func (e *Engine) reassign(m member, s *Incident, joined *Incident) *Incident {
	if !slices.Contains(s.rivals, joined) {
		if len(s.rivals) >= maxRivals {
			s.rivals = s.rivals[1:]
		}
		s.rivals = append(s.rivals, joined)
	}
	ls := e.liks[:0]
	kept := s.rivals[:0]
	for _, in := range s.rivals {
		if in.State == Merged || !in.ClosedAt.IsZero() || in.slow {
			continue
		}
		kept = append(kept, in)
		q, norm := e.mahalanobis(in, m)
		if q > validate {
			continue
		}
		ls = append(ls, lik{in: in, q: q, norm: norm})
	}
	clear(s.rivals[len(kept):])
	s.rivals = kept
	clear(ls[len(ls):cap(ls)])
	e.liks = ls
	best, _ := e.decide(ls, m)
	return best
}

// TakeRevised returns the incidents revision changed since the last call
// (survivors and the incidents merged into them), in the order changed,
// each once, and forgets them. The incident Add returned is not among
// them unless a revision changed it too.
func (e *Engine) TakeRevised() []*Incident {
	if len(e.revised) == 0 {
		return nil
	}
	out := make([]*Incident, 0, len(e.revised))
	seen := make(map[*Incident]bool, len(e.revised))
	for _, in := range e.revised {
		if !seen[in] {
			seen[in] = true
			out = append(out, in)
		}
	}
	e.revised = e.revised[:0]
	return out
}
