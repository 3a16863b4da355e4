package report

import (
	"strconv"
	"strings"
)

// CompareIDs orders incident ids as a reader counts: the runs of digits in
// them compare as numbers, so inc-2 comes before inc-10 and inc-999 before
// inc-1974; other characters compare as text.
func CompareIDs(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			if da != db { // equal values, more leading zeros last
				return cmpInt(da, db)
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmpInt(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return cmpInt(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Confidence says an attribution confidence in words, on the scale the
// report uses (docs/report.md):
//
//	≥ 0.95  almost certainly
//	≥ 0.80  very likely
//	≥ 0.60  likely
//	< 0.60  uncertain
func Confidence(c float64) string {
	switch {
	case c >= 0.95:
		return "almost certainly"
	case c >= 0.8:
		return "very likely"
	case c >= 0.6:
		return "likely"
	}
	return "uncertain"
}

// KnownParties are readable names of the party codes the reference data
// uses, for an agreement whose scenario gives no names. A code not here is
// shown as it is.
var KnownParties = map[string]string{
	"ua":      "Ukraine",
	"ru":      "Russia",
	"us":      "the United States",
	"eu":      "the European Union",
	"e3":      "France, Germany and the United Kingdom",
	"cn":      "China",
	"cn-gs":   "China",
	"tr":      "Türkiye",
	"un":      "the United Nations",
	"mission": "the monitoring mission",
}

// PartyName is the name the report gives a party code: names[code] when
// set, else KnownParties[code], else the code itself.
func PartyName(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	if n := KnownParties[code]; n != "" {
		return n
	}
	if code == "" {
		return "unknown"
	}
	return code
}

func pct(c float64) string { return strconv.Itoa(int(c*100+0.5)) + "%" }

// Rule says a rule in words: "crossing the line", "weapon inside band
// mlrs", "in Demilitarised strip" (the zone's name from the geometry, when
// the report has it), "from …" for a rule on what comes from a zone, the
// corridor's rules on vessels; any other rule as it is.
func (d *Daily) Rule(rule string) string {
	zone := func(id string) string {
		if d.Geometry != nil {
			if z := d.Geometry.Zone(id); z != nil && z.Name != "" {
				return z.Name
			}
		}
		return "zone " + id
	}
	kind, id, _ := strings.Cut(rule, ":")
	switch {
	case rule == "crossing":
		return "crossing the line"
	case kind == "band" && id != "":
		return "weapon inside band " + id
	case kind == "zone" && id != "":
		return "in " + zone(id)
	case kind == "zone-from" && id != "":
		return "from " + zone(id)
	case rule == "corridor:outside":
		return "vessel off the corridor's lane"
	case rule == "corridor:uninspected":
		return "vessel not inspected"
	}
	return rule
}
