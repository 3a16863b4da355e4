package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/accord-peace/accord/engine"
)

// Engine is what the agreement engine recorded on the report's day.
type Engine struct {
	// Opened counts the consultations opened on the day (one on each
	// violation confirmed that day); Closed those closed on it, by outcome.
	Opened int
	Closed []Tally
	// OpenAtEnd counts the consultations still open at the end of the day.
	OpenAtEnd int
	// Consequences are the events of the agreement's clock on the day
	// (isConsequence): tranches re-imposed or released, phases suspended
	// or opened, snapback, provisions overdue.
	Consequences []engine.Derived
}

// Tally is a count under a name.
type Tally struct {
	Name string
	N    int
}

// SetEngine takes from the agreement engine's state what happened on the
// report's day — up to AsOf, for a day not over (SetNow, called first):
// the state may run past it, a record that goes on — ; a nil state leaves
// the report without (it then says it covers the monitoring record only).
func (d *Daily) SetEngine(s *engine.State) {
	if s == nil {
		d.Engine = nil
		return
	}
	start, end := d.Day, d.engineEnd()
	on := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	opened := map[string]time.Time{}
	for _, v := range s.Violations {
		opened[v.ID] = v.At
	}
	e := &Engine{}
	closed := map[string]int{}
	for _, c := range s.Consultations {
		at, ok := opened[c.Violation]
		if !ok || !at.Before(end) {
			continue
		}
		if on(at) {
			e.Opened++
		}
		switch {
		case c.ClosedAt != nil && on(*c.ClosedAt):
			closed[c.Outcome]++
		case c.ClosedAt == nil || !c.ClosedAt.Before(end):
			e.OpenAtEnd++
		}
	}
	for k, n := range closed {
		if k == "" {
			k = "closed"
		}
		e.Closed = append(e.Closed, Tally{k, n})
	}
	sort.Slice(e.Closed, func(i, j int) bool { return e.Closed[i].Name < e.Closed[j].Name })
	for _, ev := range s.Derived {
		if on(ev.At) && isConsequence(ev.What) {
			e.Consequences = append(e.Consequences, ev)
		}
	}
	d.Engine = e
}

// engineEnd is the first instant after what the report says of the
// engine: the next day's first, or for a report as of an instant within
// the day (AsOf) that instant — as for the day's end (Until), what is
// dated at it is after it, as an observation made at it is not among the
// incidents as of it (IncidentsAt).
func (d *Daily) engineEnd() time.Time {
	end := d.Day.AddDate(0, 0, 1)
	if !d.AsOf.IsZero() && d.AsOf.Before(end) {
		end = d.AsOf
	}
	return end
}

// Summary is the report's first page in plain sentences: what happened,
// by rule and party against the day before, the consultations opened and
// closed, the consequences applied.
func (d *Daily) Summary() []string {
	var out []string
	day := d.Day.Format("Monday 2 January 2006")
	t, y := d.Today, d.Yesterday
	if !d.AsOf.IsZero() {
		asOf, state := d.AsOf.Format("15:04:05")+" UTC", "is not over"
		if d.AsOf.Before(d.Day) {
			asOf, state = d.AsOf.Format("15:04:05 UTC on 2 January 2006"), "has not begun"
		}
		out = append(out, fmt.Sprintf("This report is partial: %s %s; it says what the record holds as of %s.", day, state, asOf))
	}
	if d.Uncovered {
		last := "none was given"
		if !d.Cutoff.IsZero() {
			last = "the last was received " + d.Cutoff.Format("2 January 2006 15:04") + " UTC"
		}
		out = append(out, fmt.Sprintf("No observation made on %s reached this report (%s): what follows is empty because the data has nothing of the day, not because nothing happened.", day, last))
	}
	// The incidents are as they stood at the end of the day (or as of
	// AsOf), the state of each included (BuildAt).
	end := "the end of the day"
	if !d.AsOf.IsZero() {
		end = d.AsOf.Format("15:04:05") + " UTC"
		if d.AsOf.Before(d.Day) {
			end = d.AsOf.Format("15:04:05 UTC on 2 January 2006")
		}
	}
	if t.Incidents == 0 {
		out = append(out, fmt.Sprintf("On %s the mission recorded no incident (%s the day before).", day, count(y.Incidents, "incident", "incidents")))
	} else {
		by := "by " + end
		if !d.AtEnd {
			by = "as the record given to this report holds them, not as they stood at " + end
		}
		out = append(out, fmt.Sprintf("On %s the mission recorded %s (%s), %d of them confirmed by independent sources %s.",
			day, count(t.Incidents, "incident", "incidents"), versus(t.Incidents, y.Incidents), t.Confirmed, by))
	}
	if d.Received > 0 {
		out = append(out, fmt.Sprintf("%s made by %s reached the mission after later ones had taken its clock past it (received late): an incident %s on is given as it stood at %s, one %s first recorded as first recorded.",
			count(d.Received, "observation", "observations"), end, plural(d.Received, "it bears", "they bear"), end, plural(d.Received, "it", "they")))
	}
	if t.Late > 0 || y.Late > 0 {
		var who string
		switch {
		case t.Late > 0 && y.Late > 0:
			who = fmt.Sprintf("%d of them and %d of the day before's were", t.Late, y.Late)
		case t.Late > 0:
			who = fmt.Sprintf("%d of them %s", t.Late, plural(t.Late, "was", "were"))
		default:
			who = fmt.Sprintf("%d of the day before's incidents %s", y.Late, plural(y.Late, "was", "were"))
		}
		out = append(out, fmt.Sprintf("%s first recorded after %s, from observations received late: %s given as first recorded, the others as they stood at %s.",
			who, end, plural(t.Late+y.Late, "it is", "they are"), end))
	}
	if t.Violations == 0 {
		out = append(out, fmt.Sprintf("No violation of the agreement was recorded (%s the day before).", count(y.Violations, "violation", "violations")))
	} else {
		out = append(out, fmt.Sprintf("They broke the agreement's rules %s (%s).", times(t.Violations), versus(t.Violations, y.Violations)))
		type party struct {
			code        string
			today, prev int
			rules       []RuleRow
		}
		byParty := map[string]*party{}
		for _, r := range d.Rules {
			p := byParty[r.Party]
			if p == nil {
				p = &party{code: r.Party}
				byParty[r.Party] = p
			}
			p.today += r.Today
			p.prev += r.Yesterday
			if r.Today > 0 {
				p.rules = append(p.rules, r)
			}
		}
		ps := make([]*party, 0, len(byParty))
		for _, p := range byParty {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].today != ps[j].today {
				return ps[i].today > ps[j].today
			}
			return ps[i].code < ps[j].code
		})
		for _, p := range ps {
			if p.today == 0 && p.prev == 0 {
				continue
			}
			who := "Attributed to " + d.Party(p.code)
			if p.code == "unattributed" {
				who = "Attributed to no party"
			}
			s := fmt.Sprintf("%s: %s (%s)", who, count(p.today, "violation", "violations"), versus(p.today, p.prev))
			sort.SliceStable(p.rules, func(i, j int) bool { return p.rules[i].Today > p.rules[j].Today })
			// The three commonest rules by name, the others counted.
			var parts []string
			other := 0
			for i, r := range p.rules {
				if i >= 3 {
					other += r.Today
					continue
				}
				parts = append(parts, fmt.Sprintf("%s (%d)", d.Rule(r.Rule), r.Today))
			}
			if len(parts) > 0 {
				s += ": " + strings.Join(parts, ", ")
			}
			if n := len(p.rules) - len(parts); n > 0 {
				s += fmt.Sprintf(" and %s (%d)", count(n, "other rule", "other rules"), other)
			}
			out = append(out, s+".")
		}
	}
	if len(d.Weapons) > 0 {
		out = append(out, fmt.Sprintf("%s seen inside %s withdrawal bands.", count(len(d.Weapons), "heavy weapon was", "heavy weapons were"), plural(len(d.Weapons), "its", "their")))
	}
	if n := len(d.Restrictions); n > 0 {
		out = append(out, fmt.Sprintf("The monitors' movement was restricted %s.", times(n)))
	} else {
		out = append(out, "The monitors' movement was not restricted.")
	}
	if top := d.Settlements(3); len(top) > 0 && !strings.HasPrefix(top[0].Settlement, "(") {
		var parts []string
		for _, r := range top {
			if strings.HasPrefix(r.Settlement, "(") {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", r.Settlement, r.Today))
		}
		out = append(out, fmt.Sprintf("Most incidents were near %s.", joinAnd(parts)))
	} else if best := topArea(d.Stretches); best != nil {
		out = append(out, fmt.Sprintf("Most incidents (%d) were at %s.", best.Today, best.Area))
	}
	if d.Engine == nil {
		out = append(out, "This report covers the monitoring record only: the agreement has no consultation or enforcement, so no consultation or consequence is reported.")
		return out
	}
	e := d.Engine
	s := fmt.Sprintf("%s opened on the violations confirmed that day", count(e.Opened, "consultation was", "consultations were"))
	if len(e.Closed) == 0 {
		s += "; none closed"
	} else {
		var parts []string
		n := 0
		for _, c := range e.Closed {
			parts = append(parts, fmt.Sprintf("%d %s", c.N, c.Name))
			n += c.N
		}
		s += fmt.Sprintf("; %d closed (%s)", n, strings.Join(parts, ", "))
	}
	openEnd := "at the end of the day"
	if !d.AsOf.IsZero() {
		openEnd = "as of " + d.AsOf.Format("15:04:05") + " UTC"
	}
	out = append(out, s+fmt.Sprintf("; %s open %s.", count(e.OpenAtEnd, "remains", "remain"), openEnd))
	if len(e.Consequences) == 0 {
		out = append(out, "No consequence was applied: no tranche re-imposed, no phase suspended, no snapback.")
	} else {
		var parts []string
		for _, c := range e.Consequences {
			parts = append(parts, fmt.Sprintf("%s (%s UTC)", c.What, c.At.UTC().Format("15:04")))
		}
		out = append(out, "On the agreement's clock: "+strings.Join(parts, "; ")+".")
	}
	return out
}

// isConsequence says whether an event the engine derived is a step of the
// agreement's clock rather than of a consultation: a tranche re-imposed or
// released, a phase suspended or opened, a snapback, a provision overdue.
func isConsequence(what string) bool {
	for _, p := range []string{"tranche ", "phase ", "snapback", "provision ", "the agreement enters into force"} {
		if strings.HasPrefix(what, p) {
			return true
		}
	}
	return false
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// topArea is the area with the most incidents today, nil when none has any.
func topArea(rows []AreaRow) *AreaRow {
	var best *AreaRow
	for i := range rows {
		if rows[i].Today > 0 && (best == nil || rows[i].Today > best.Today) {
			best = &rows[i]
		}
	}
	return best
}

// times says how often: "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func count(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// versus says a count against the day before's.
func versus(today, prev int) string {
	switch d := today - prev; {
	case d > 0:
		return fmt.Sprintf("%d the day before, %d more", prev, d)
	case d < 0:
		return fmt.Sprintf("%d the day before, %d fewer", prev, -d)
	}
	return "as many as the day before"
}
