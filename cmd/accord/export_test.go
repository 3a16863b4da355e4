package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accord-peace/accord/export"
)

// ogrinfo finds GDAL's ogrinfo. scripts/test installs Debian's gdal-bin
// when it is absent; where it cannot (no apt-get), it says so in
// ACCORD_GDAL_UNAVAILABLE and only then do the GDAL tests skip.
func ogrinfo(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ogrinfo")
	if err == nil {
		return p
	}
	if why := os.Getenv("ACCORD_GDAL_UNAVAILABLE"); why != "" {
		t.Skipf("SKIPPED: GDAL's ogrinfo is not on this machine and cannot be installed (%s): the exports are not checked with GDAL", why)
	}
	t.Fatal("no ogrinfo (GDAL) on this machine: run scripts/test, which installs Debian's gdal-bin, or install gdal-bin")
	return ""
}

// ogrSummary is what `ogrinfo -al -so` says of a file's one layer.
type ogrSummary struct {
	geometry string
	count    int
	fields   map[string]string // name: GDAL type
	order    []string
}

func runOgrinfo(t *testing.T, bin string, args ...string) ogrSummary {
	t.Helper()
	out, err := exec.Command(bin, append([]string{"-ro", "-al", "-so"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	s := ogrSummary{fields: map[string]string{}}
	if n := strings.Count(string(out), "\nLayer name: "); n != 1 {
		t.Fatalf("ogrinfo %s: %d layers, want 1\n%s", args[len(args)-1], n, out)
	}
	field := regexp.MustCompile(`^(\w+): (\w+) \(`)
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "Geometry: "):
			s.geometry = strings.TrimPrefix(line, "Geometry: ")
		case strings.HasPrefix(line, "Feature Count: "):
			s.count, err = strconv.Atoi(strings.TrimPrefix(line, "Feature Count: "))
			if err != nil {
				t.Fatal(line)
			}
		default:
			if m := field.FindStringSubmatch(line); m != nil && m[1] != "Geometry" && m[1] != "Extent" {
				s.fields[m[1]] = m[2]
				s.order = append(s.order, m[1])
			}
		}
	}
	return s
}

// TestExportsOpenInGDAL exports the incidents of a simulated network in
// each format and opens the files with GDAL's ogrinfo, as QGIS would: one
// point layer, every incident a feature, the fields named as Fields, in
// order, typed as they are meant to be.
func TestExportsOpenInGDAL(t *testing.T) {
	bin := ogrinfo(t)
	// 30 h: long enough for incidents to close (24 h without a report).
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "30h", "--rate", "8")
	out, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	n := strings.Count(out, "\n")
	if n < 100 || !strings.Contains(out, `"closed_at":"`) || !strings.Contains(out, `"party":"`) {
		t.Fatalf("%d incidents, some closed and attributed wanted", n)
	}
	var names []string
	for _, f := range export.Fields {
		names = append(names, f.Name)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		format   string
		args     []string
		geometry string
		fields   []string // the export's fields among GDAL's, in order
		types    map[string]string
	}{
		{"geojson", nil, "Point", names, map[string]string{
			"observation_count": "Integer", "violation_count": "Integer", "confidence": "Real", "distance_to_line_m": "Real",
			"first_observed": "DateTime", "last_observed": "DateTime", "closed_at": "DateTime", "zones": "String"}},
		{"csv", []string{"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES"}, "Point",
			export.CSVHeader(), map[string]string{
				"lon": "Real", "lat": "Real", "observation_count": "Integer", "confidence": "Real", "distance_to_line_m": "Real",
				"first_observed": "DateTime", "closed_at": "DateTime", "violation_parties": "String"}},
		// LIBKML adds its own fields (Name, description, begin, end, ...)
		// before the schema's; KML has no date-time field type (the
		// TimeSpan gives begin and end).
		{"kml", nil, "", names, map[string]string{
			"observation_count": "Integer", "confidence": "Real", "distance_to_line_m": "Real", "begin": "DateTime", "end": "DateTime"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			path := filepath.Join(dir, "incidents."+tc.format)
			if _, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--output-format", tc.format, "--out", path); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			s := runOgrinfo(t, bin, append(tc.args, path)...)
			if s.count != n {
				t.Errorf("ogrinfo: %d features, want %d", s.count, n)
			}
			if tc.geometry != "" && s.geometry != tc.geometry {
				t.Errorf("ogrinfo: geometry %q, want %q", s.geometry, tc.geometry)
			}
			var got []string
			for _, f := range s.order {
				if slices.Contains(tc.fields, f) {
					got = append(got, f)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("ogrinfo fields %v,\nwant %v", s.order, tc.fields)
			}
			for f, want := range tc.types {
				if s.fields[f] != want {
					t.Errorf("field %s: GDAL type %q, want %q", f, s.fields[f], want)
				}
			}
		})
	}
}

// TestMonitorRunOutputFormats checks --output-format and --out: every
// format written to the file, the same bytes as on standard output,
// json the same as --json; and the command line's errors.
func TestMonitorRunOutputFormats(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "1h")
	dir := t.TempDir()
	jsonOut, _, _ := runAccord(t, "monitor", "run", "reference", obs, "--json")
	csvOut, _, _ := runAccord(t, "monitor", "run", "reference", obs, "--output-format", "csv")
	for _, tc := range []struct{ format, want, prefix string }{
		{"text", "", "distinct observations"},
		{"json", jsonOut, `{"id":`},
		{"geojson", "", `{"type":"FeatureCollection","features":[`},
		{"csv", csvOut, "id,lon,lat,state,"},
		{"kml", "", `<?xml version="1.0" encoding="UTF-8"?>`},
	} {
		path := filepath.Join(dir, "out."+tc.format)
		printed, errOut, code := runAccord(t, "monitor", "run", "reference", obs, "--output-format", tc.format, "--out", path)
		if code != 0 || printed != "" {
			t.Fatalf("%s: exit %d, printed %d bytes with --out: %s", tc.format, code, len(printed), errOut)
		}
		file, err := os.ReadFile(path)
		if err != nil || tc.want != "" && string(file) != tc.want || !strings.Contains(string(file), tc.prefix) {
			t.Errorf("%s: --out file (%v): %.100s", tc.format, err, file)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: --out file mode %v (%v), want 0644", tc.format, st.Mode(), err)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--output-format", "shp"}, 2, `--output-format "shp": want one of text, json, geojson, csv, kml`},
		{[]string{"--output-format", "GeoJSON"}, 2, `--output-format "GeoJSON": want one of text, json, geojson, csv, kml`},
		{[]string{"--json", "--output-format", "csv"}, 2, "--json and --output-format csv: choose one"},
		{[]string{"--output-format", "csv", "--out", filepath.Join(dir, "missing", "x.csv")}, 1, "does not exist; create it first"},
	} {
		_, errOut, code := runAccord(t, append([]string{"monitor", "run", "reference", obs}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) || tc.code == 2 && !strings.Contains(errOut, "Run 'accord monitor run --help'") {
			t.Errorf("%v: exit %d, %q; want exit %d, %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("%d files in the output directory, want the 5 outputs (no temporary files left)", len(entries))
	}
}

func TestRunOutputFormat(t *testing.T) {
	cmd := newMonitorRunCmd()
	for _, tc := range []struct {
		flag   string
		asJSON bool
		want   string
		ok     bool
	}{
		{"", false, "text", true}, {"", true, "json", true}, {"json", true, "json", true},
		{"text", false, "text", true}, {"kml", false, "kml", true}, {"csv", true, "", false}, {"xml", false, "", false},
	} {
		got, err := runOutputFormat(cmd, tc.flag, tc.asJSON)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("--output-format %q --json=%v: %q, %v; want %q", tc.flag, tc.asJSON, got, err, tc.want)
		}
	}
}
