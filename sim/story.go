package sim

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// Ceasefire describes a ceasefire that takes hold: violations frequent on
// the first days and falling, then quiet — the sensors still report, but
// nothing they see breaks a rule. Its zero value is DefaultCeasefire's.
type Ceasefire struct {
	// Days of observations.
	Days int
	// Rate is true events per hour on the first day; it halves every
	// HalfLifeDays until CalmAfterDays.
	Rate, HalfLifeDays float64
	// CalmAfterDays: from this day on, only the true events that break no
	// rule are kept, QuietRate an hour.
	CalmAfterDays int
	QuietRate     float64
}

// DefaultCeasefire is the demo's ceasefire: three events an hour on the
// first day, halving daily, calm from the fourth day, 80 days in all.
func DefaultCeasefire() Ceasefire {
	return Ceasefire{Days: 80, Rate: 3, HalfLifeDays: 1, CalmAfterDays: 4, QuietRate: 1}
}

// RunCeasefire simulates a ceasefire day by day from cfg.Start (cfg.Rate
// and cfg.Duration are ignored): each day a run of its own, seeded from
// cfg.Seed and the day, its observations' ids prefixed with the day
// ("d07-...") so that no two days share a key. The same config gives the
// same observations.
func RunCeasefire(cfg Config, c Ceasefire) (*Result, error) {
	def := DefaultCeasefire()
	if c == (Ceasefire{}) {
		c = def
	}
	if c.Days <= 0 || c.Rate < 0 || c.HalfLifeDays <= 0 || c.QuietRate < 0 || c.CalmAfterDays < 0 {
		return nil, errors.New("sim: a ceasefire needs days > 0, a half-life > 0 and rates not negative")
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	out := &Result{}
	for d := range c.Days {
		day := cfg
		day.Start, day.Duration, day.Seed = cfg.Start.Add(time.Duration(d)*24*time.Hour), 24*time.Hour, cfg.Seed*1000+uint64(d)
		calm := d >= c.CalmAfterDays
		day.Rate = c.Rate * math.Pow(0.5, float64(d)/c.HalfLifeDays)
		if calm {
			day.Rate, day.FalseAlarmsPerHour = c.QuietRate, 0
		}
		res, err := Run(day)
		if err != nil {
			return nil, err
		}
		if calm {
			res = res.Keep(func(t Truth) bool { return t.Violation == nil && len(t.All) == 0 }, false)
		}
		out.append(res, fmt.Sprintf("d%02d-", d))
	}
	out.sort()
	return out, nil
}

// Breach simulates one serious violation by party at about at: a shot
// across the line, the one of an hour's run best seen (by the most
// sources), alone. ok is false when the hour held none.
func Breach(cfg Config, at time.Time, party string) (res *Result, ok bool, err error) {
	cfg.Start, cfg.Duration, cfg.Rate, cfg.FalseAlarmsPerHour = at, time.Hour, 60, 0
	run, err := Run(cfg)
	if err != nil {
		return nil, false, err
	}
	best, seen := -1, 0
	for i, t := range run.Truth {
		if t.Violation == nil || *t.Violation != RuleCrossing || *t.Party != party {
			continue
		}
		sources := map[string]bool{}
		for _, o := range t.Observations {
			sources[o.Source] = true
		}
		if len(sources) > seen {
			best, seen = i, len(sources)
		}
	}
	if best < 0 {
		return &Result{}, false, nil
	}
	id := run.Truth[best].EventID
	run = run.Keep(func(t Truth) bool { return t.EventID == id }, false)
	out := &Result{}
	out.append(run, "breach-")
	return out, true, nil
}

// Keep returns the run with only the true events keep accepts and their
// observations; false alarms (observations of no true event) are kept
// when falseAlarms is set.
func (r *Result) Keep(keep func(Truth) bool, falseAlarms bool) *Result {
	kept, all := map[ObsRef]bool{}, map[ObsRef]bool{}
	out := &Result{}
	for _, t := range r.Truth {
		for _, o := range t.Observations {
			all[o] = true
		}
		if keep(t) {
			out.Truth = append(out.Truth, t)
			for _, o := range t.Observations {
				kept[o] = true
			}
		}
	}
	for _, o := range r.Observations {
		ref := ObsRef{Source: o.Properties.Source.ID, ID: o.Properties.ID}
		if kept[ref] || (falseAlarms && !all[ref]) {
			out.Observations = append(out.Observations, o)
		}
	}
	return out
}

// append adds another run's observations and truth, their ids prefixed.
func (r *Result) append(o *Result, prefix string) {
	for _, x := range o.Observations {
		x.Properties.ID = prefix + x.Properties.ID
		r.Observations = append(r.Observations, x)
	}
	for _, t := range o.Truth {
		t.EventID = prefix + t.EventID
		refs := make([]ObsRef, len(t.Observations))
		for i, x := range t.Observations {
			refs[i] = ObsRef{Source: x.Source, ID: prefix + x.ID}
		}
		t.Observations = refs
		r.Truth = append(r.Truth, t)
	}
}

// sort orders the observations as Run does: by reported_at, then key.
func (r *Result) sort() {
	sort.SliceStable(r.Observations, func(a, b int) bool {
		pa, pb := r.Observations[a].Properties, r.Observations[b].Properties
		if pa.ReportedAt != pb.ReportedAt {
			return pa.ReportedAt < pb.ReportedAt
		}
		return pa.Source.ID+"/"+pa.ID < pb.Source.ID+"/"+pb.ID
	})
}
