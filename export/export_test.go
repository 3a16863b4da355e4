package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func ptr[T any](v T) *T { return &v }

// sample holds incidents that reach every branch of the encoders: no
// equipment, closed, several violations one unattributed, text that must be
// quoted or escaped, binary noise in numbers.
func sample() []accord.Incident {
	t0 := time.Date(2025, 6, 1, 0, 1, 11, 0, time.UTC)
	return []accord.Incident{
		{ID: "inc-5", State: "confirmed", Event: "strike", Location: [2]float64{37.567181, 49.033609999999996},
			FirstObserved: t0, LastObserved: t0.Add(27*time.Minute + 25*time.Second),
			Observations:       []accord.ObservationKey{{Source: "party-ru", ID: "1"}, {Source: "fix-74", ID: "2"}, {Source: "osint", ID: "3"}},
			IndependentSources: 3, Confidence: 0.9840000000000001, Side: "ua", DistanceToLineM: 24212,
			Zones:      []string{"sviatohirsk-lavra", "buffer"},
			Violations: []accord.Violation{{Rule: "zone:sviatohirsk-lavra", Provision: "ceasefire.protected-sites", Party: ptr("ua"), AttributionConfidence: 1}}},
		{ID: "inc-10", State: "corroborated", Event: "heavy_weapon", Equipment: "artillery", Location: [2]float64{32.520852999999995, 46.478586},
			FirstObserved: t0.Add(11 * time.Minute), LastObserved: t0.Add(11*time.Minute + 500*time.Millisecond),
			Observations:       []accord.ObservationKey{{Source: "uav-7", ID: "1"}},
			IndependentSources: 1, Confidence: 0.5, Side: "ru", DistanceToLineM: 11350.25, Zones: []string{},
			Violations: []accord.Violation{
				{Rule: "band:artillery-100mm", Provision: "withdrawal.artillery", Party: ptr("ru"), AttributionConfidence: 0.85},
				{Rule: "ceasefire", Provision: "ceasefire.general", Party: nil, AttributionConfidence: 0},
			},
			ClosedAt: ptr(t0.Add(24*time.Hour + 11*time.Minute)), ClosedReason: "no report for 24h"},
		{ID: `odd "id", with <markup> & a
line break`, State: "merged", Ambiguous: true, MergedInto: "inc-5", Event: "other", Location: [2]float64{-0.000001, 0},
			FirstObserved: t0.In(time.FixedZone("EEST", 3*3600)), LastObserved: t0,
			Confidence: 0.1, Side: "ру́сская", DistanceToLineM: 0.5, Zones: []string{"a,b", " padded "}},
	}
}

func encode(t *testing.T, f Format, o Options, ins []accord.Incident) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, f, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ins {
		if err := w.Write(&ins[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		f    Format
		o    Options
		ins  []accord.Incident
	}{
		{"incidents.geojson", GeoJSON, Options{}, sample()},
		{"incidents-next.geojson", GeoJSON, Options{Next: "41"}, sample()[:1]},
		{"empty.geojson", GeoJSON, Options{}, nil},
		{"incidents.csv", CSV, Options{}, sample()},
		{"empty.csv", CSV, Options{}, nil},
		{"incidents.kml", KML, Options{}, sample()},
		{"empty.kml", KML, Options{Name: "none & nothing"}, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := encode(t, tc.f, tc.o, tc.ins)
			if again := encode(t, tc.f, tc.o, tc.ins); !bytes.Equal(got, again) {
				t.Fatal("two encodings of the same incidents differ")
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (go test ./export -update rewrites it):\n%s", tc.file, got)
			}
		})
	}
}

// TestGeoJSONParses reads the GeoJSON back with encoding/json and checks
// the structure RFC 7946 asks for and the values.
func TestGeoJSONParses(t *testing.T) {
	ins := sample()
	var fc struct {
		Type     string `json:"type"`
		Next     string `json:"next"`
		Features []struct {
			Type     string `json:"type"`
			ID       string `json:"id"`
			Geometry struct {
				Type        string     `json:"type"`
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(encode(t, GeoJSON, Options{Next: "7"}, ins), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || fc.Next != "7" || len(fc.Features) != len(ins) {
		t.Fatalf("type %q, next %q, %d features", fc.Type, fc.Next, len(fc.Features))
	}
	for i, f := range fc.Features {
		in := ins[i]
		if f.Type != "Feature" || f.ID != in.ID || f.Geometry.Type != "Point" ||
			Number(f.Geometry.Coordinates[0]) != Number(in.Location[0]) || Number(f.Geometry.Coordinates[1]) != Number(in.Location[1]) {
			t.Errorf("feature %d: %+v", i, f)
		}
		if len(f.Properties) != len(Fields) {
			t.Errorf("feature %d: %d properties, want %d", i, len(f.Properties), len(Fields))
		}
		if f.Properties["id"] != in.ID || f.Properties["violation_count"] != float64(len(in.Violations)) {
			t.Errorf("feature %d: properties %v", i, f.Properties)
		}
	}
	p := fc.Features[1].Properties
	for k, want := range map[string]any{
		"equipment": "artillery", "confidence": 0.5, "distance_to_line_m": 11350.25, "zones": "",
		"violation_rules": "band:artillery-100mm;ceasefire", "violation_parties": "ru;", "violation_confidences": "0.85;0",
		"closed_at": "2025-06-02T00:12:11Z", "first_observed": "2025-06-01T00:12:11Z", "last_observed": "2025-06-01T00:12:11.5Z",
	} {
		if p[k] != want {
			t.Errorf("%s = %#v, want %#v", k, p[k], want)
		}
	}
	if p := fc.Features[0].Properties; p["equipment"] != nil || p["closed_at"] != nil || p["confidence"] != 0.984 || p["zones"] != "sviatohirsk-lavra;buffer" {
		t.Errorf("first feature: %v", p)
	}
}

func TestCSVParses(t *testing.T) {
	ins := sample()
	rows, err := csv.NewReader(bytes.NewReader(encode(t, CSV, Options{}, ins))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ins)+1 || !slices.Equal(rows[0], CSVHeader()) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	for i, in := range ins {
		r := rows[i+1]
		if r[col("id")] != in.ID || r[col("side")] != in.Side || r[col("zones")] != strings.Join(in.Zones, ";") {
			t.Errorf("row %d: %q", i+1, r)
		}
	}
	if r := rows[1]; r[col("lon")] != "37.567181" || r[col("lat")] != "49.03361" || r[col("equipment")] != "" || r[col("closed_at")] != "" {
		t.Errorf("row 1: %q", r)
	}
	if r := rows[3]; r[col("lon")] != "-0.000001" || r[col("first_observed")] != "2025-06-01T00:01:11Z" {
		t.Errorf("row 3: %q", r)
	}
}

func TestKMLParses(t *testing.T) {
	ins := sample()
	var doc struct {
		XMLName  xml.Name `xml:"http://www.opengis.net/kml/2.2 kml"`
		Document struct {
			Name   string `xml:"name"`
			Fields []struct {
				Name string `xml:"name,attr"`
				Type string `xml:"type,attr"`
			} `xml:"Schema>SimpleField"`
			Placemarks []struct {
				Name  string `xml:"name"`
				Begin string `xml:"TimeSpan>begin"`
				Data  []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:",chardata"`
				} `xml:"ExtendedData>SchemaData>SimpleData"`
				Coordinates string `xml:"Point>coordinates"`
			} `xml:"Placemark"`
		} `xml:"Document"`
	}
	if err := xml.Unmarshal(encode(t, KML, Options{}, ins), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Document.Name != "accord incidents" || len(doc.Document.Fields) != len(Fields) || len(doc.Document.Placemarks) != len(ins) {
		t.Fatalf("%+v", doc.Document)
	}
	for i, p := range doc.Document.Placemarks {
		if p.Name != ins[i].ID || p.Data[0].Value != ins[i].ID {
			t.Errorf("placemark %d: name %q", i, p.Name)
		}
	}
	p := doc.Document.Placemarks[0]
	if p.Coordinates != "37.567181,49.03361" || p.Begin != "2025-06-01T00:01:11Z" || len(p.Data) != len(Fields)-4 {
		t.Errorf("placemark 0: %+v", p)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		err  string
	}{
		{"geojson", GeoJSON, ""},
		{"csv", CSV, ""},
		{"kml", KML, ""},
		{"GeoJSON", "", `format "GeoJSON": want one of geojson, csv, kml`},
		{"", "", `format "": want one of geojson, csv, kml`},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, %s", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil && accord.ErrorCode(err) != accord.EINVALID {
			t.Errorf("ParseFormat(%q): code %s, want EINVALID", tc.in, accord.ErrorCode(err))
		}
	}
	if _, err := New(&bytes.Buffer{}, "shp", Options{}); err == nil {
		t.Error("New accepted format shp")
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0.9840000000000001, "0.984"}, {49.033609999999996, "49.03361"}, {1, "1"}, {0, "0"},
		{-0.0, "0"}, {1e-7, "0.0000001"}, {24212, "24212"}, {1e21, "1000000000000000000000"}, {-12.5, "-12.5"},
	} {
		if got := Number(tc.in); got != tc.want {
			t.Errorf("Number(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// countingWriter records the size of each write.
type countingWriter struct{ writes []int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, len(p))
	return len(p), nil
}

// TestStreams checks that a long export is written as it goes, in pieces
// of about flushAt, not held until Close.
func TestStreams(t *testing.T) {
	in := sample()[1]
	for _, f := range Formats {
		var c countingWriter
		w, _ := New(&c, f, Options{})
		for i := 0; i < 2000; i++ {
			if err := w.Write(&in); err != nil {
				t.Fatal(err)
			}
		}
		before := len(c.writes)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if before < 10 || slices.Max(c.writes) > 2*flushAt {
			t.Errorf("%s: %d writes before Close, largest %d bytes", f, before, slices.Max(c.writes))
		}
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestWriteErrors checks that the underlying writer's error comes back,
// from Write or at the latest from Close, and that a closed writer refuses.
func TestWriteErrors(t *testing.T) {
	in := sample()[0]
	for _, f := range Formats {
		w, _ := New(&failingWriter{after: 100}, f, Options{})
		var err error
		for i := 0; i < 1000 && err == nil; i++ {
			err = w.Write(&in)
		}
		if err == nil {
			err = w.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want disk full", f, err)
		}
		w, _ = New(&bytes.Buffer{}, f, Options{})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if w.Write(&in) == nil || w.Close() == nil {
			t.Errorf("%s: a closed writer accepted more", f)
		}
	}
}

func BenchmarkExport(b *testing.B) {
	in := sample()[1]
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			var c countingWriter
			w, _ := New(&c, f, Options{})
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(&in); err != nil {
					b.Fatal(err)
				}
			}
			w.Close()
		})
	}
}
