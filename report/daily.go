package report

import (
	"sort"
	"time"

	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
)

// Daily is the report of one day (UTC).
type Daily struct {
	Agreement string
	Day       time.Time // midnight UTC
	Today     Counts
	Yesterday Counts
	// Rules lists violations by rule and party, today against yesterday.
	Rules []RuleRow
	// Stretches and Zones count today's incidents by stretch of the line and
	// by zone, against yesterday.
	Stretches []AreaRow
	Zones     []AreaRow
	// Weapons are the heavy weapons seen today inside their withdrawal band.
	Weapons []WeaponRow
	// Restrictions are today's restrictions of the monitors' movement.
	Restrictions []monitor.Incident
	// Incidents are the day's incidents, in numeric order of their ids.
	Incidents []monitor.Incident
	// Parties names the party codes (PartyName falls back on KnownParties
	// and then on the code); the caller sets it from the agreement.
	Parties map[string]string
	// Cutoff is when the last observation the report rests on was received;
	// zero when unknown. The caller sets it (SetCutoff).
	Cutoff time.Time
	// Uncovered says that no observation the report was given was made on
	// the day (SetCutoff): its empty counts are then the data's silence,
	// not a quiet day, and the summary says so first.
	Uncovered bool
	// AsOf is the instant a report of a day not yet over is made at
	// (SetNow): what it says of the day is partial, as of then; zero when
	// the day is over.
	AsOf time.Time
	// AtEnd says that the incidents are each as it stood at the end of
	// the day, or at AsOf (BuildAt: IncidentsAt); false (Build), they are
	// as given — a record's end, maybe days later — and the report says
	// so.
	AtEnd bool
	// Received counts the observations made by the end of the day that
	// reached the mission after its clock had passed it (IncidentsAt);
	// the summary says what became of them.
	Received int
	// Engine is what the agreement engine recorded on the day (SetEngine);
	// nil when the report has no engine.
	Engine *Engine
	// Beside are the agreements run beside the main one (AddBeside).
	Beside []Beside
	// Corridor is the section of a corridor run beside (SetCorridor); nil:
	// none.
	Corridor *Corridor
	// Geometry is the agreed geometry the map is drawn from; nil: no map.
	Geometry *geo.Geometry
	// Places are the settlements incidents are named by; nil: places are
	// given as lat, lon.
	Places *Places
	// Reconstruction is the reconstruction registry's section
	// (BuildReconstruction); nil: the report has none.
	Reconstruction *Reconstruction

	yesterday [][2]float64 // where the day before's incidents were
}

// SetCutoff sets the cut-off to the latest time an observation made before
// the end of the day was received (its report time, else when it was
// made): later observations of later days do not move it.
// It sets Uncovered when no observation was made on the day.
func (d *Daily) SetCutoff(obs []monitor.Observation) {
	end := d.Day.AddDate(0, 0, 1)
	d.Uncovered = true
	for _, o := range obs {
		if !o.ObservedAt.Before(end) {
			continue
		}
		if !o.ObservedAt.Before(d.Day) {
			d.Uncovered = false
		}
		at := o.ReportedAt
		if at.IsZero() {
			at = o.ObservedAt
		}
		if at.After(d.Cutoff) {
			d.Cutoff = at.UTC()
		}
	}
}

// End is the day's last instant, 23:59:59.999999999 UTC: a deadline at it
// is in time on the day and missed from the next day's first instant, as
// the agreement engine has every deadline met at itself and missed
// strictly after it.
func (d *Daily) End() time.Time { return nextDay(d.Day).Add(-time.Nanosecond) }

// nextDay is the first instant of the day after day's (UTC).
func nextDay(day time.Time) time.Time {
	day = day.UTC()
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
}

// Until is the instant the agreement engine's state must be brought to
// (engine.Set.StatesAt, on a copy: nothing is recorded) for the report of
// a day (UTC) made at now to hold what the engine derives on the day even
// after the record's last entry — a notice or a provision's deadline that
// passed late in the day with no later entry. For a day over by now it is
// the next day's first instant: a tick processes every deadline strictly
// before it, so every event the engine dates within the day is derived
// (a notice due at 23:59:59.999999999 too), and what the tick itself
// brings (conditions settled, a snapback effective at 00:00) is dated on
// the next day, as a later entry would have it: the report of a day does
// not depend on whether the record goes on. For a day not over it is now
// (the report is then partial: SetNow).
func Until(day, now time.Time) time.Time {
	if next := nextDay(day); !now.Before(next) {
		return next
	}
	return now.UTC()
}

// SetNow says when the report is made: a day not over by now (before the
// next day's first instant) is reported as of now (AsOf), and the report
// says it is partial; the state it is given (SetEngine) is then the
// engine's as of now (Until).
func (d *Daily) SetNow(now time.Time) {
	d.AsOf = time.Time{}
	if now.Before(nextDay(d.Day)) {
		d.AsOf = now.UTC()
	}
}

// Counts are a day's totals, of the incidents as they stood at the end of
// the day (or at AsOf) when the report was built from them (BuildAt).
type Counts struct {
	Incidents, Confirmed, Violations int
	// Late counts the incidents first recorded after the end of the day
	// (observations made on it but received later), given as first
	// recorded (IncidentsAt.Late); zero from Build.
	Late int
}

// RuleRow counts one rule's violations attributed to one party.
type RuleRow struct {
	Rule, Party      string
	Today, Yesterday int
}

// AreaRow counts incidents in one area.
type AreaRow struct {
	Area             string
	Today, Yesterday int
}

// WeaponRow is a heavy weapon inside its band.
type WeaponRow struct {
	Incident, Equipment, Party, Rule string
	Count                            int
	Location                         [2]float64
	DistanceKM                       float64
	// Confidence is the attribution's confidence (0..1).
	Confidence float64
}

// Stretch names the stretch of the line an incident is nearest to.
type Stretch func(in *monitor.Incident) string

// Build makes the report of a day from the incidents (of any days: those
// first observed on the day and on the day before are counted), each as
// given: a report of the day as it stood at its end takes them from
// IncidentsAt (BuildAt), not from the record's end.
func Build(agreement string, day time.Time, incidents []monitor.Incident, stretch Stretch) *Daily {
	return build(agreement, day, incidents, stretch, nil)
}

// build is Build; late, when not nil, tells the incidents first recorded
// after the day's end (Counts.Late).
func build(agreement string, day time.Time, incidents []monitor.Incident, stretch Stretch, late func(id string) bool) *Daily {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	prev := day.AddDate(0, 0, -1)
	d := &Daily{Agreement: agreement, Day: day, AtEnd: late != nil}
	rules := map[[2]string]*RuleRow{}
	stretches := map[string]*AreaRow{}
	zones := map[string]*AreaRow{}
	for i := range incidents {
		in := &incidents[i]
		var today bool
		switch {
		case !in.FirstObserved.Before(day) && in.FirstObserved.Before(day.AddDate(0, 0, 1)):
			today = true
		case !in.FirstObserved.Before(prev) && in.FirstObserved.Before(day):
		default:
			continue
		}
		c := &d.Yesterday
		if today {
			c = &d.Today
		}
		c.Incidents++
		if late != nil && late(in.ID) {
			c.Late++
		}
		if in.State == "confirmed" {
			c.Confirmed++
		}
		c.Violations += len(in.Violations)
		bump := func(m map[string]*AreaRow, k string) {
			if m[k] == nil {
				m[k] = &AreaRow{Area: k}
			}
			if today {
				m[k].Today++
			} else {
				m[k].Yesterday++
			}
		}
		if stretch != nil {
			bump(stretches, stretch(in))
		}
		for _, z := range in.Zones {
			bump(zones, z)
		}
		for _, v := range in.Violations {
			party := "unattributed"
			if v.Party != nil {
				party = *v.Party
			}
			k := [2]string{v.Rule, party}
			if rules[k] == nil {
				rules[k] = &RuleRow{Rule: v.Rule, Party: party}
			}
			if today {
				rules[k].Today++
				if in.Event == "heavy_weapon" && len(v.Rule) > 5 && v.Rule[:5] == "band:" {
					d.Weapons = append(d.Weapons, WeaponRow{Incident: in.ID, Equipment: in.Equipment, Party: party, Rule: v.Rule,
						Count: max(1, len(in.Observations)), Location: in.Location, DistanceKM: in.DistanceToLineM / 1000,
						Confidence: v.AttributionConfidence})
				}
			} else {
				rules[k].Yesterday++
			}
		}
		if today {
			d.Incidents = append(d.Incidents, *in)
		} else {
			d.yesterday = append(d.yesterday, in.Location)
		}
		if today && in.Event == "movement_restriction" {
			d.Restrictions = append(d.Restrictions, *in)
		}
	}
	for _, r := range rules {
		d.Rules = append(d.Rules, *r)
	}
	sort.Slice(d.Rules, func(i, j int) bool {
		if d.Rules[i].Rule != d.Rules[j].Rule {
			return d.Rules[i].Rule < d.Rules[j].Rule
		}
		return d.Rules[i].Party < d.Rules[j].Party
	})
	d.Stretches, d.Zones = sortedAreas(stretches), sortedAreas(zones)
	sort.SliceStable(d.Weapons, func(i, j int) bool { return CompareIDs(d.Weapons[i].Incident, d.Weapons[j].Incident) < 0 })
	byID := func(ins []monitor.Incident) {
		sort.SliceStable(ins, func(i, j int) bool { return CompareIDs(ins[i].ID, ins[j].ID) < 0 })
	}
	byID(d.Restrictions)
	byID(d.Incidents)
	return d
}

func sortedAreas(m map[string]*AreaRow) []AreaRow {
	out := make([]AreaRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	return out
}
