package monitor

import (
	"os"
	"strings"
	"testing"
	"time"
)

var parties = ImportOptions{Parties: map[string]string{
	"Military Forces of Russia": "ru", "Military Forces of Ukraine": "ua",
	"Government of Russia": "ru", "Government of Ukraine": "ua",
}}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestImportACLED(t *testing.T) {
	obs, err := ImportACLED(open(t, "testdata/acled/three.csv"), "three.csv", parties)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 3 {
		t.Fatalf("%d observations", len(obs))
	}
	o := obs[0]
	if o.ID != "UKR900001" || o.Event != "firing" || o.AttributedTo != "ru" || o.AccuracyM != 2000 || o.TimeAccuracyS != 43200 ||
		!o.ObservedAt.Equal(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)) || o.Position != [2]float64{36.256, 47.664} || o.ReportedAt.Unix() != 1748800000 {
		t.Errorf("row 1: %+v", o)
	}
	if obs[1].Event != "strike" || obs[1].AttributedTo != "ua" || obs[1].AccuracyM != 15000 || !obs[1].ReportedAt.Equal(obs[1].ObservedAt) {
		t.Errorf("row 2: %+v", obs[1])
	}
	if obs[2].AttributedTo != Unknown || obs[2].TimeAccuracyS != 30*86400 || !strings.Contains(string(obs[2].Extra["acled"]), `"location":"Kupiansk"`) {
		t.Errorf("row 3: %+v", obs[2])
	}
	_, err = ImportACLED(open(t, "testdata/acled/bad.csv"), "bad.csv", parties)
	for _, want := range []string{
		`bad.csv:2: event_date: want YYYY-MM-DD or "02 January 2006", got "2025-13-01"`,
		`bad.csv:3: time_precision: want one of 1, 2, 3, got "4"`,
		`bad.csv:4: latitude: want a number, got "north"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
	_, err = ImportACLED(strings.NewReader("event_id_cnty,event_date\nX,2025-01-01\n"), "short.csv", parties)
	if err == nil || !strings.Contains(err.Error(), "short.csv: missing column(s) time_precision, event_type") {
		t.Errorf("missing columns: %v", err)
	}
}

func TestImportUCDP(t *testing.T) {
	obs, err := ImportUCDP(open(t, "testdata/ucdp/three.csv"), "three.csv", parties)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 3 {
		t.Fatalf("%d observations", len(obs))
	}
	if o := obs[0]; o.Event != "firing" || o.AttributedTo != "ru" || o.AccuracyM != 2000 || o.Confidence != 0.7 || o.TimeAccuracyS != 0 {
		t.Errorf("row 1: %+v", o)
	}
	// Two days' span: observed at the middle, ±1 day plus a week's precision.
	if o := obs[1]; !o.ObservedAt.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) || o.TimeAccuracyS != 86400+7*86400 || o.AttributedTo != "ua" || o.Confidence != 0.4 {
		t.Errorf("row 2: %+v", o)
	}
	if o := obs[2]; o.Event != "other" || o.AttributedTo != Unknown || o.AccuracyM != 100000 {
		t.Errorf("row 3: %+v", o)
	}
	_, err = ImportUCDP(open(t, "testdata/ucdp/bad.csv"), "bad.csv", parties)
	for _, want := range []string{`bad.csv:2: where_prec: want one of 1, 2, 3, 4, 5, 6, 7, got "9"`, `bad.csv:3: date_end: 2025-06-01 is before date_start 2025-06-03`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
}
