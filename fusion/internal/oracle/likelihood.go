package oracle

import "math"

// The likelihood of a report under an incident (fusion/doc.go, "Choosing
// an incident"). A report's stated accuracy_m is read as two standard
// deviations of a 2-D Gaussian error, its time_accuracy_s as two of a
// Gaussian error in time, observed_at being cut to the second besides (a
// variance of 1/12 s²). An incident's position and time are the
// inverse-variance weighted means of its members', known to the variance
// of such a mean; a report of its event lies about them with the sum of
// the two variances (and of the event's own spread in time, spread).
// Sources are independent in their errors, but a source reports an event
// once: a second report from one source of one event is rare (a repeat
// under a new id), so an incident that already has a report from the
// report's source is that much less likely to be its event (repeat).

// timeVar is the variance (s²) of a report's observed_at about its event's
// instant.
func timeVar(r Report) float64 { return r.TimeAccuracyS*r.TimeAccuracyS/4 + 1.0/12 }

// posVar is the variance (m², per direction) of a report's position.
func posVar(r Report) float64 { return r.AccuracyM * r.AccuracyM / 4 }

// spread is the standard deviation (s) of the instants at which the
// reports of one event of a family place it, beyond their sources' own
// errors: a shot is an instant, a flight lasts minutes. The fire family's
// second covers the slack between an acoustic sensor's instant and a
// camera's; the others are a quarter of the family's window.
func spread(g string) float64 {
	if g == "fire" {
		return 1
	}
	return window(g).Seconds() / 4
}

// validate is the largest squared Mahalanobis distance (position and time:
// three degrees of freedom) at which a report is still read as of an
// incident's event: the 0.999 quantile of χ²₃. Past it the report is of
// another event, whatever the pairwise test allowed.
const validate = 16.27

// repeatLogLik is the log of how much less likely an incident is the event
// of a report when it already holds a report from the same source: a
// source's second report of one event is about one in fifty (the
// simulator's repeats under a new id are 2 %).
var repeatLogLik = math.Log(0.02)

// likelihood is the log-likelihood of m under in's event, up to a term
// common to every incident (ll; repeats lowers it for a repeat of a
// source), and m's squared Mahalanobis distance from
// the incident's mean position and time (q). The incident is of a family
// that does not stay put and holds at least one member.
func (e *Engine) likelihood(in *Incident, m member) (ll, q float64) {
	// Time first, the cheaper test.
	sp := spread(in.family)
	vt := timeVar(m.r) + 1/in.twsum + sp*sp
	dt := float64(m.r.ObservedAt.Unix()-in.t0) - in.tsum/in.twsum
	if ns := m.r.ObservedAt.Nanosecond(); ns != 0 {
		dt += float64(ns) / 1e9
	}
	q = dt * dt / vt
	if q > validate {
		return math.Inf(-1), q
	}
	// The chord: within 1e-8 of the arc at the distances that matter
	// (a relative error of θ²/24), and cheaper.
	d2 := m.p.Sub(in.mean.Vector).Norm2() * earthRadiusM * earthRadiusM
	v := posVar(m.r) + in.AccuracyM*in.AccuracyM/4
	q += d2 / v
	if q > validate {
		return math.Inf(-1), q
	}
	ll = -q/2 - 0.5*math.Log(v*v*vt)
	return ll, q
}

// newEventLogLik is the log-likelihood of m under an event no incident
// holds yet, on likelihood's scale: that of an incident known exactly at
// the edge of validation (q = validate), m's own variances alone.
func newEventLogLik(m member) float64 {
	v, vt := posVar(m.r), timeVar(m.r)
	return -validate/2 - 0.5*math.Log(v*v*vt)
}

// repeats lowers the likelihood of the incidents among ls that already
// hold a report from m's source (repeatLogLik). With one incident in ls
// its posterior is 1 whatever its likelihood: it is not asked.
func (e *Engine) repeats(ls []lik, m member) {
	if len(ls) < 2 {
		return
	}
	for i := range ls {
		if e.sameSource(ls[i].in, m) {
			ls[i].ll += repeatLogLik
		}
	}
}

// sameSource reports whether a member of in came from m's source. The
// members' sources are summed up in a 64-bit mask (a bit per source,
// sourceBit), which settles most questions; past repeatScan members the
// question is not asked (false).
func (e *Engine) sameSource(in *Incident, m member) bool {
	if in.sources&m.src == 0 || len(in.members) > repeatScan {
		return false
	}
	for _, x := range in.members {
		if x.r.Source == m.r.Source {
			return true
		}
	}
	return false
}

// sourceBit is a source's bit in an incident's mask of sources: one of 64
// by an FNV-1a hash of its id.
func sourceBit(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return 1 << (h % 64)
}

const repeatScan = 64

// addTime folds a member's instant into the incident's weighted mean time.
func (in *Incident) addTime(r Report) {
	if in.twsum == 0 {
		in.t0 = r.ObservedAt.Unix()
	}
	w := 1 / timeVar(r)
	t := float64(r.ObservedAt.Unix()-in.t0) + float64(r.ObservedAt.Nanosecond())/1e9
	in.tsum += t * w
	in.twsum += w
}
