package report_test

import (
	"slices"
	"testing"

	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/report"
)

func TestCompareIDs(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"inc-2", "inc-10", -1},
		{"inc-999", "inc-1974", -1},
		{"inc-1974", "inc-999", 1},
		{"inc-10", "inc-10", 0},
		{"inc-010", "inc-10", 1}, // same value: more zeros after
		{"a", "b", -1},
		{"inc-2a", "inc-2b", -1},
		{"inc-2", "inc-2-1", -1},
		{"x9", "inc-1", 1},
	} {
		if got := report.CompareIDs(c.a, c.b); got != c.want {
			t.Errorf("CompareIDs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	ids := []string{"inc-999", "inc-1974", "inc-2", "inc-10", "inc-1"}
	slices.SortFunc(ids, report.CompareIDs)
	if want := []string{"inc-1", "inc-2", "inc-10", "inc-999", "inc-1974"}; !slices.Equal(ids, want) {
		t.Errorf("sorted %v, want %v", ids, want)
	}
}

func TestConfidence(t *testing.T) {
	for _, c := range []struct {
		c    float64
		want string
	}{
		{1, "almost certainly"}, {0.95, "almost certainly"}, {0.9499, "very likely"}, {0.8, "very likely"},
		{0.79, "likely"}, {0.6, "likely"}, {0.59, "uncertain"}, {0, "uncertain"},
	} {
		if got := report.Confidence(c.c); got != c.want {
			t.Errorf("Confidence(%v) = %q, want %q", c.c, got, c.want)
		}
	}
}

func TestPartyName(t *testing.T) {
	names := map[string]string{"ru": "Russian Federation"}
	for _, c := range []struct{ code, want string }{
		{"ru", "Russian Federation"}, {"ua", "Ukraine"}, {"xx", "xx"}, {"", "unknown"},
	} {
		if got := report.PartyName(names, c.code); got != c.want {
			t.Errorf("PartyName(%q) = %q, want %q", c.code, got, c.want)
		}
	}
}

func TestRule(t *testing.T) {
	d := &report.Daily{Geometry: &geo.Geometry{Zones: []geo.Zone{{ID: "dmz", Name: "Demilitarised strip"}}}}
	for _, c := range []struct{ rule, want string }{
		{"crossing", "crossing the line"}, {"band:mlrs", "weapon inside band mlrs"}, {"zone:dmz", "in Demilitarised strip"},
		{"zone:x", "in zone x"}, {"zone-from:dmz", "from Demilitarised strip"}, {"overflight", "overflight"}, {"band:", "band:"},
	} {
		if got := d.Rule(c.rule); got != c.want {
			t.Errorf("Rule(%q) = %q, want %q", c.rule, got, c.want)
		}
	}
}
