package report

import (
	"sort"
	"strconv"

	"github.com/accord-peace/accord/monitor"
)

// Corridor is the daily report's section on a maritime corridor run beside
// the main agreement (the grain corridor's, SetCorridor): what it carried
// on the day against the day before, and the violations of its agreement's
// rules first observed on the day.
type Corridor struct {
	Agreement, Title, Zone string
	// Today and Yesterday are the voyages completed on the day and the day
	// before and the tonnes they carried (zero on a day without one).
	Today, Yesterday monitor.DayThroughput
	// Violations are the violations of the corridor agreement's rules
	// (the vessels' and its zone rules') of the incidents first observed
	// on the day, in numeric order of their incidents' ids; Before counts
	// the day before's.
	Violations []CorridorViolation
	Before     int
}

// CorridorViolation is one violation of the corridor's agreement.
type CorridorViolation struct {
	Incident monitor.Incident
	Rule     string
	Party    string // "" unattributed
}

// SetCorridor adds the corridor section: days is the corridor's
// throughput (monitor.Vessels.Throughput), incidents every incident (of
// any days), owns tells which rules the corridor's agreement holds.
func (d *Daily) SetCorridor(agreement, title, zone string, days []monitor.DayThroughput, incidents []monitor.Incident, owns func(rule string) bool) {
	c := &Corridor{Agreement: agreement, Title: title, Zone: zone}
	today, prev := d.Day.Format("2006-01-02"), d.Day.AddDate(0, 0, -1).Format("2006-01-02")
	c.Today.Day, c.Yesterday.Day = today, prev
	for _, t := range days {
		switch t.Day {
		case today:
			c.Today = t
		case prev:
			c.Yesterday = t
		}
	}
	start, end, before := d.Day, d.Day.AddDate(0, 0, 1), d.Day.AddDate(0, 0, -1)
	for _, in := range incidents {
		isToday := !in.FirstObserved.Before(start) && in.FirstObserved.Before(end)
		isPrev := !in.FirstObserved.Before(before) && in.FirstObserved.Before(start)
		if !isToday && !isPrev {
			continue
		}
		for _, v := range in.Violations {
			if !owns(v.Rule) {
				continue
			}
			if isPrev {
				c.Before++
				continue
			}
			party := ""
			if v.Party != nil {
				party = *v.Party
			}
			c.Violations = append(c.Violations, CorridorViolation{Incident: in, Rule: v.Rule, Party: party})
		}
	}
	sort.SliceStable(c.Violations, func(i, j int) bool {
		return CompareIDs(c.Violations[i].Incident.ID, c.Violations[j].Incident.ID) < 0
	})
	d.Corridor = c
}

// Tonnes formats tonnes rounded to the tonne, thousands separated by
// commas ("95,284").
func Tonnes(t float64) string {
	s := strconv.FormatFloat(t, 'f', 0, 64)
	neg := s != "" && s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := ""
	for len(s) > 3 {
		out = "," + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	if neg {
		return "-" + s + out
	}
	return s + out
}
