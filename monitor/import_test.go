package monitor

import (
	"errors"
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
	if obs[1].Event != "strike" || obs[1].AttributedTo != "ua" || obs[1].AccuracyM != 15000 || !obs[1].ReportedAt.Equal(obs[1].ObservedAt) || obs[1].TimeAccuracyS != 7*86400 {
		t.Errorf("row 2: %+v", obs[1])
	}
	// The month of June: its middle, ±15 days.
	if obs[2].AttributedTo != Unknown || obs[2].TimeAccuracyS != 15*86400 || !obs[2].ObservedAt.Equal(time.Date(2025, 6, 16, 0, 0, 0, 0, time.UTC)) || !strings.Contains(string(obs[2].Extra["acled"]), `"location":"Kupiansk"`) {
		t.Errorf("row 3: %+v", obs[2])
	}
	_, err = ImportACLED(open(t, "testdata/acled/bad.csv"), "bad.csv", parties)
	for _, want := range []string{
		`bad.csv:2: event_date: want YYYY-MM-DD (or an ISO date-time on it) or "02 January 2006", got "2025-13-01"`,
		`bad.csv:3: time_precision: want one of 1, 2, 3 (day, week, month), got "4"`,
		`bad.csv:4: latitude: want a finite number, got "north"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant %q", err, want)
		}
	}
	// A NaN column, and rows the observation contract refuses (a longitude
	// off the globe): each at its row, all of them, not a raw Go error
	// ("json: unsupported value: NaN") for the first only.
	three, _ := os.ReadFile("testdata/acled/three.csv")
	rows := strings.Split(string(three), "\n")
	rows[1] = strings.Replace(rows[1], "47.6640", "NaN", 1)
	rows[2] = strings.Replace(rows[2], "37.1760", "999", 1)
	_, err = ImportACLED(strings.NewReader(strings.Join(rows, "\n")), "nan.csv", parties)
	for _, want := range []string{
		`nan.csv: 2 bad row(s), nothing imported`,
		`nan.csv:2: latitude: want a finite number, got "NaN"`,
		`nan.csv:3: geometry.coordinates: longitude 999 is outside -180..180`,
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
	// One day: its noon ±12 h; a state-based event's sides attribute nothing.
	if o := obs[0]; o.Event != "firing" || o.AttributedTo != Unknown || o.AccuracyM != 2000 || o.Confidence != 0.7 || o.TimeAccuracyS != 43200 ||
		!o.ObservedAt.Equal(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("row 1: %+v", o)
	}
	// Three days (2 to 4 June) with a week's precision: the middle of the
	// three days, ±3.5 days.
	if o := obs[1]; !o.ObservedAt.Equal(time.Date(2025, 6, 3, 12, 0, 0, 0, time.UTC)) || o.TimeAccuracyS != 3.5*86400 || o.AttributedTo != Unknown || o.Confidence != 0.4 {
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

// Each ACLED case, from its own row of testdata/acled/cases.csv: ISO
// date-times read as their day, each time precision as a period, and
// actor1 attributed only when the row says it acted.
func TestImportACLEDCases(t *testing.T) {
	obs, err := ImportACLED(open(t, "testdata/acled/cases.csv"), "cases.csv", parties)
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		at       time.Time
		accuracy float64
		party    string
	}{
		{"ISO date-time, day precision: noon ±12 h", day(6, 1, 12), 12 * 3600, "ru"},
		{"ISO date-time with an offset: the day as written, week precision", day(6, 2, 12), 7 * 86400, "ru"},
		{"month precision, February: its middle ±14 days", day(2, 15, 0), 14 * 86400, "ru"},
		{"a clash between two armed actors: no attacker", day(6, 4, 12), 12 * 3600, Unknown},
		{"a strike on civilians: actor1 acted", day(6, 5, 12), 12 * 3600, "ua"},
	}
	if len(obs) != len(tests) {
		t.Fatalf("%d observations, want %d", len(obs), len(tests))
	}
	for i, tt := range tests {
		if o := obs[i]; !o.ObservedAt.Equal(tt.at) || o.TimeAccuracyS != tt.accuracy || o.AttributedTo != tt.party {
			t.Errorf("%s: observed %v ±%vs, attributed to %s; want %v ±%vs, %s", tt.name, o.ObservedAt, o.TimeAccuracyS, o.AttributedTo, tt.at, tt.accuracy, tt.party)
		}
	}
}

// An export with a UTF-8 byte-order mark and every field quoted (as
// spreadsheets write CSV) reads as the plain one.
func TestImportACLEDByteOrderMark(t *testing.T) {
	obs, err := ImportACLED(open(t, "testdata/acled/bom.csv"), "bom.csv", parties)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1 || obs[0].ID != "UKR900101" || obs[0].AttributedTo != "ru" || obs[0].Position != [2]float64{36.256, 47.664} {
		t.Errorf("%+v", obs)
	}
}

// Each UCDP case of testdata/ucdp/cases.csv.
func TestImportUCDPCases(t *testing.T) {
	obs, err := ImportUCDP(open(t, "testdata/ucdp/cases.csv"), "cases.csv", parties)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		at       time.Time
		accuracy float64
		party    string
	}{
		// side_a is the Government of Russia, but a Ukrainian strike on
		// Belgorod is coded so: the sides say nothing of who struck.
		{"state-based, ISO dates: no attribution, noon ±12 h", time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), 12 * 3600, Unknown},
		{"one-sided violence: side_a acted", time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC), 12 * 3600, "ru"},
		{"month precision on a one-day span: ±15 days about the day", time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC), 15 * 86400, Unknown},
	}
	if len(obs) != len(tests) {
		t.Fatalf("%d observations, want %d", len(obs), len(tests))
	}
	for i, tt := range tests {
		if o := obs[i]; !o.ObservedAt.Equal(tt.at) || o.TimeAccuracyS != tt.accuracy || o.AttributedTo != tt.party {
			t.Errorf("%s: observed %v ±%vs, attributed to %s; want %v ±%vs, %s", tt.name, o.ObservedAt, o.TimeAccuracyS, o.AttributedTo, tt.at, tt.accuracy, tt.party)
		}
	}
}

// A row whose text is not UTF-8 is refused at its line and column: the
// store would have kept U+FFFD in its place, so that two ids could become
// one and the store refuse itself ever after. The lines are the file's,
// after a note that spans two.
func TestImportACLEDNotUTF8(t *testing.T) {
	b, err := os.ReadFile("testdata/acled/cases.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	// Row 1's note spans two lines; row 3's id is not UTF-8.
	lines[1] = strings.Replace(lines[1], "Invented row for tests: shelling reported near the town.", "\"Invented row,\nover two lines.\"", 1)
	lines[3] = strings.Replace(lines[3], "UKR9002", "UKR\xff\xfe", 1)
	_, err = ImportACLED(strings.NewReader(strings.Join(lines, "\n")+"\n"), "utf.csv", parties)
	var le LineErrors
	if !errors.As(err, &le) || len(le) != 1 || le[0].Line != 5 || le[0].Field != "event_id_cnty" || !strings.Contains(le[0].Msg, "not valid UTF-8") {
		t.Fatalf("got %v, want one error on line 5, event_id_cnty, not valid UTF-8", err)
	}
}
