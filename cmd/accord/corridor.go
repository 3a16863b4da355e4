package main

import (
	"fmt"
	"io"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// writeCorridorSummary prints, after monitor run's text summary, the
// corridor's throughput: one line per UTC day with a voyage completed
// (voyages, tonnes), their totals and the vessels seen. Nothing without a
// corridor.
func writeCorridorSummary(w io.Writer, c *mission.Corridor) error {
	if c == nil {
		return nil
	}
	fmt.Fprintf(w, "\ncorridor %s (agreement %s): %d voyages completed, %s t carried; %d vessels seen, %d under way\n",
		c.Zone, c.Agreement, c.Voyages, thousands(c.TonnageT), len(c.Vessels), c.UnderWay)
	fmt.Fprintf(w, "%-10s  %7s  %9s\n", "DAY", "VOYAGES", "TONNES")
	for _, d := range c.Days {
		_, err := fmt.Fprintf(w, "%-10s  %7d  %9s\n", d.Day, d.Voyages, thousands(d.Tonnage))
		if err != nil {
			return err
		}
	}
	return nil
}

// thousands formats tonnes rounded to the tonne, with thousands
// separated by commas.
func thousands(t float64) string {
	s := fmt.Sprintf("%.0f", t)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := ""
	for len(s) > 3 {
		out = "," + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	out = s + out
	if neg {
		out = "-" + out
	}
	return out
}

// addCorridor adds the daily report's grain corridor section when an
// agreement has a corridor section (c not nil): the day's throughput
// against the day before and the violations of the rules its agreement
// holds.
func addCorridor(rep *report.Daily, as []*agreement.Agreement, c *mission.Corridor, incidents []monitor.Incident) error {
	if c == nil {
		return nil
	}
	_, owner, err := mission.Monitoring(as)
	if err != nil {
		return err
	}
	title := ""
	for _, a := range as {
		if a.ID == c.Agreement {
			title = a.Title
		}
	}
	rep.SetCorridor(c.Agreement, title, c.Zone, c.Days, incidents, func(rule string) bool { return owner(rule) == c.Agreement })
	return nil
}
