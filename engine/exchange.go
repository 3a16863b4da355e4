package engine

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/cond"
)

// Exchange is the event of a prisoner exchange, signed by the agreement's
// verifier(s) (SignedBy): ID names it, Counts gives the persons released
// by each releasing party (the key is the party that handed them over; a
// party absent released no one), Lists the commitments to their lists of
// names (accord.ExchangeBody; optional for the engine, checked when
// given). The engine refuses an exchange when the agreement is not in
// force, with no id or one already recorded, without a verifier's
// signature or with a signer who is not a verifier, with a count below
// zero, a count of someone not a party, nobody released, or a Party.
const Exchange = "exchange"

// ExchangeState is an exchange in the record.
type ExchangeState struct {
	ID        string            `json:"id"`
	At        time.Time         `json:"at"`
	Counts    map[string]int    `json:"counts"`
	Lists     map[string]string `json:"lists,omitempty"`
	Verifiers []string          `json:"verifiers"`
}

// QuotaState is the record of a quota provision: the periods assessed.
type QuotaState struct {
	Provision string        `json:"provision"`
	Assessed  int           `json:"assessed"`
	Periods   []QuotaPeriod `json:"periods"`
}

// QuotaPeriod is one party's release in one period of a quota: from Start
// (included) to End (excluded).
type QuotaPeriod struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Party    string    `json:"party"`
	Released int       `json:"released"`
	Min      int       `json:"min"`
	Met      bool      `json:"met"`
}

func (r *run) exchange(ev Event) error {
	if r.s.InForce == nil {
		return fmt.Errorf("the agreement is not in force")
	}
	if ev.ID == "" {
		return fmt.Errorf("an exchange needs an id")
	}
	if ev.Party != "" {
		return fmt.Errorf("exchange %s names party %q: an exchange counts the releasing parties in counts, and is signed by its verifier", ev.ID, ev.Party)
	}
	for _, x := range r.s.Exchanges {
		if x.ID == ev.ID {
			return fmt.Errorf("exchange %s is already recorded, at %s", ev.ID, x.At.Format(time.RFC3339Nano))
		}
	}
	verifiers := r.a.Verifiers()
	if len(verifiers) == 0 {
		return fmt.Errorf("the agreement names no verifier (role: verifier): it records no exchange")
	}
	if len(ev.SignedBy) == 0 {
		return fmt.Errorf("exchange %s is signed by no verifier (%v)", ev.ID, verifiers)
	}
	seen := map[string]bool{}
	for _, v := range ev.SignedBy {
		if !slices.Contains(verifiers, v) {
			return fmt.Errorf("exchange %s is signed by %q, not a verifier (%v)", ev.ID, v, verifiers)
		}
		if seen[v] {
			return fmt.Errorf("%s signed exchange %s twice", v, ev.ID)
		}
		seen[v] = true
	}
	parties := sortedParties(ev.Counts)
	total := 0
	for _, p := range parties {
		if !slices.Contains(r.a.Parties, p) {
			return fmt.Errorf("exchange %s counts persons released by %q, not a party (%v)", ev.ID, p, r.a.Parties)
		}
		if n := ev.Counts[p]; n < 0 {
			return fmt.Errorf("exchange %s: %s released %d persons: a count is not negative", ev.ID, p, n)
		}
		total += ev.Counts[p]
	}
	if total == 0 {
		return fmt.Errorf("exchange %s releases no one", ev.ID)
	}
	if ev.Lists != nil {
		if err := (accord.ExchangeBody{Exchange: ev.ID, Counts: ev.Counts, Lists: ev.Lists}).Check(); err != nil {
			return err
		}
	}
	r.s.Exchanges = append(r.s.Exchanges, ExchangeState{ID: ev.ID, At: ev.At, Counts: maps.Clone(ev.Counts), Lists: maps.Clone(ev.Lists), Verifiers: slices.Clone(ev.SignedBy)})
	r.s.Exchanged = maps.Clone(r.s.Exchanged) // the original keeps its totals
	if r.s.Exchanged == nil {
		r.s.Exchanged = map[string]int{}
	}
	var released []string
	for _, p := range parties {
		r.s.Exchanged[p] += ev.Counts[p]
		released = append(released, fmt.Sprintf("%s released %d", p, ev.Counts[p]))
	}
	r.derive(ev.At, "exchange %s: %s (verified by %s)", ev.ID, strings.Join(released, ", "), strings.Join(ev.SignedBy, ", "))
	return nil
}

func sortedParties(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mayRecordDone says whether a provision_done by party may record a
// provision done: a quota never is (its periods measure it), an
// all-for-all only on its verifier's attestation, another by a party
// obliged to it (or with no party named).
func mayRecordDone(p agreement.Provision, party string) error {
	if p.Quota != nil {
		return fmt.Errorf("provision %s is a quota: the exchanges recorded measure it, period by period; it is never recorded done", p.ID)
	}
	if f := p.AllForAll; f != nil {
		if party != f.Verifier {
			return fmt.Errorf("provision %s is all for all: it is done when its verifier %s attests the lists exhausted, not on %q's word", p.ID, f.Verifier, party)
		}
		return nil
	}
	if party != "" && !slices.Contains(p.Obliged, party) {
		return fmt.Errorf("%q is not obliged to provision %s (%v)", party, p.ID, p.Obliged)
	}
	return nil
}

// quotaFrom is when a quota's periods start (its provision's after event;
// signature when none) and their length.
func (r *run) quotaFrom(p agreement.Provision) (time.Time, time.Duration, bool) {
	after := p.After
	if after == "" {
		after = "signature"
	}
	rec := record{a: r.a, s: r.s, items: &items{}}
	from, ok := rec.EventTime(after)
	if !ok {
		return time.Time{}, 0, false
	}
	per, err := agreement.ParseDuration(p.Quota.Per)
	if err != nil || per <= 0 {
		return time.Time{}, 0, false
	}
	return from, per, true
}

// quotaDeadlines lists the ends of the quotas' next periods up to at: a
// quota's first period starts at its after event, each ends per later,
// and none ending after the quota's until event is assessed.
func (r *run) quotaDeadlines(at time.Time) []deadline {
	var ds []deadline
	for i, p := range r.a.Provisions {
		if p.Quota == nil {
			continue
		}
		from, per, ok := r.quotaFrom(p)
		if !ok {
			continue
		}
		end := from.Add(time.Duration(r.assessed(p.ID)+1) * per)
		if end.After(at) {
			continue
		}
		if p.Quota.Until != "" {
			if u, ok := (record{a: r.a, s: r.s, items: &items{}}).EventTime(p.Quota.Until); ok && u.Before(end) {
				continue
			}
		}
		ds = append(ds, deadline{end, dQuota, i})
	}
	return ds
}

func (r *run) assessed(provision string) int {
	for _, q := range r.s.Quotas {
		if q.Provision == provision {
			return q.Assessed
		}
	}
	return 0
}

// quotaEnd assesses the period of provision i's quota that ends at end:
// for each party it binds, the persons it released in exchanges from the
// period's start (included) to its end (excluded). A shortfall is derived
// and marks the provision overdue; a period met by every party after an
// overdue one makes it pending again.
func (r *run) quotaEnd(i int, end time.Time) {
	p := r.a.Provisions[i]
	_, per, _ := r.quotaFrom(p)
	start := end.Add(-per)
	r.s.Quotas = slices.Clone(r.s.Quotas) // the original keeps its periods
	k := slices.IndexFunc(r.s.Quotas, func(q QuotaState) bool { return q.Provision == p.ID })
	if k < 0 {
		r.s.Quotas = append(r.s.Quotas, QuotaState{Provision: p.ID, Periods: []QuotaPeriod{}})
		k = len(r.s.Quotas) - 1
	}
	q := &r.s.Quotas[k]
	q.Periods = slices.Clone(q.Periods)
	q.Assessed++
	ps := &r.s.Provisions[i]
	met := true
	for _, party := range p.QuotaParties() {
		n := 0
		for _, x := range r.s.Exchanges {
			if !x.At.Before(start) && x.At.Before(end) {
				n += x.Counts[party]
			}
		}
		ok := n >= p.Quota.Min
		q.Periods = append(q.Periods, QuotaPeriod{Start: start, End: end, Party: party, Released: n, Min: p.Quota.Min, Met: ok})
		if !ok {
			met = false
			r.derive(end, "provision %s: %s released %d of %d in the period ending %s: overdue", p.ID, party, n, p.Quota.Min, end.Format(time.RFC3339Nano))
		}
	}
	switch {
	case !met:
		ps.Status = Overdue
	case ps.Status == Overdue:
		ps.Status = Pending
		r.derive(end, "provision %s: quota met in the period ending %s: no longer overdue", p.ID, end.Format(time.RFC3339Nano))
	}
}

// Exchanges are the persons released, one item per releasing party of
// each exchange (Count persons released by Party), for exchanged().
func (r record) Exchanges() []cond.Item {
	var out []cond.Item
	for _, x := range r.s.Exchanges {
		for _, p := range sortedParties(x.Counts) {
			out = append(out, cond.Item{At: x.At, Party: p, Count: x.Counts[p]})
		}
	}
	return out
}
