package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/export"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
)

// simulatedServer serves a mission on the reference agreement fed a
// simulated network long enough for more incidents than the JSON
// listing's default page (1,000), on a real loopback listener.
func simulatedServer(t *testing.T) (*httptest.Server, []monitor.Incident) {
	t.Helper()
	a, k := mustReference(t)
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Duration, cfg.Rate = 5, 6*time.Hour, 250
	res, err := sim.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, o := range res.Observations {
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
	}
	obs, err := monitor.Decode(&buf, "sim")
	if err != nil {
		t.Fatal(err)
	}
	m := newMission(t, monitor.NewMemStore(), nil)
	if _, err := m.Ingest(t.Context(), obs, nil); err != nil {
		t.Fatal(err)
	}
	all, err := m.AllIncidents(t.Context(), monitor.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 1000 {
		t.Fatalf("the simulation made %d incidents; the test needs more than 1,000", len(all))
	}
	srv := httptest.NewServer(api.NewServer(m).Handler())
	t.Cleanup(srv.Close)
	return srv, all
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// ids reads the incident ids of an export's body.
func ids(t *testing.T, f string, body []byte) (out []string, next string) {
	t.Helper()
	switch f {
	case "geojson":
		var fc struct {
			Type     string
			Next     string
			Features []struct{ ID string }
		}
		if err := json.Unmarshal(body, &fc); err != nil || fc.Type != "FeatureCollection" {
			t.Fatalf("not a FeatureCollection (%v): %.200s", err, body)
		}
		for _, f := range fc.Features {
			out = append(out, f.ID)
		}
		return out, fc.Next
	case "csv":
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || !slices.Equal(rows[0], export.CSVHeader()) {
			t.Fatalf("not the CSV export (%v): %.200s", err, body)
		}
		for _, r := range rows[1:] {
			out = append(out, r[0])
		}
	case "kml":
		for _, m := range regexp.MustCompile(`<Placemark><name>([^<]*)</name>`).FindAllSubmatch(body, -1) {
			out = append(out, string(m[1]))
		}
	}
	return out, ""
}

func TestIncidentExport(t *testing.T) {
	srv, all := simulatedServer(t)
	var want []string
	for _, in := range all {
		want = append(want, in.ID)
	}
	var withViolations []string
	for _, in := range all {
		if len(in.Violations) > 0 {
			withViolations = append(withViolations, in.ID)
		}
	}
	for _, tc := range []struct {
		format, query, ctype string
		want                 []string
	}{
		// An export's default page is 10,000: all of them, where the JSON
		// listing's first page has 1,000.
		{"geojson", "", "application/geo+json", want},
		{"csv", "", "text/csv; charset=utf-8; header=present", want},
		{"kml", "", "application/vnd.google-earth.kml+xml", want},
		{"geojson", "&violations=true", "application/geo+json", withViolations},
		{"csv", "&state=burning", "", nil},
	} {
		resp, body := get(t, srv.URL+"/v1/incidents?format="+tc.format+tc.query)
		if tc.ctype == "" {
			if resp.StatusCode != 400 || !strings.Contains(string(body), `"invalid"`) {
				t.Errorf("%s%s: %d %s, want a 400 JSON error", tc.format, tc.query, resp.StatusCode, body)
			}
			continue
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("X-Accord-Next") != "" || resp.Header.Get("Link") != "" {
			t.Errorf("%s%s: %d, headers %v", tc.format, tc.query, resp.StatusCode, resp.Header)
		}
		if got, next := ids(t, tc.format, body); !slices.Equal(got, tc.want) || next != "" {
			t.Errorf("%s%s: %d incidents (next %q), want %d", tc.format, tc.query, len(got), next, len(tc.want))
		}
	}
	// The JSON listing is as it was, with format=json or without.
	for _, q := range []string{"", "?format=json"} {
		resp, body := get(t, srv.URL+"/v1/incidents"+q)
		var page monitor.IncidentPage
		if err := json.Unmarshal(body, &page); err != nil || resp.Header.Get("Content-Type") != "application/json" || len(page.Incidents) != 1000 || page.Next == "" {
			t.Errorf("JSON listing%s: %v, %d incidents, next %q", q, err, len(page.Incidents), page.Next)
		}
	}
}

// TestIncidentExportPaging follows the Link headers of a paged export to
// the end: every incident once, in order, and each page says it is partial
// in X-Accord-Next, in Link and (GeoJSON) in "next", all three the same.
func TestIncidentExportPaging(t *testing.T) {
	srv, all := simulatedServer(t)
	var want []string
	for _, in := range all {
		want = append(want, in.ID)
	}
	link := regexp.MustCompile(`^<(/v1/incidents\?[^>]+)>; rel="next"$`)
	for _, f := range []string{"geojson", "csv", "kml"} {
		var got []string
		pages := 0
		for url := srv.URL + "/v1/incidents?limit=400&format=" + f; url != ""; pages++ {
			resp, body := get(t, url)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", url, resp.StatusCode, body)
			}
			page, next := ids(t, f, body)
			got = append(got, page...)
			url = ""
			h := resp.Header.Get("X-Accord-Next")
			if l := resp.Header.Get("Link"); l != "" {
				m := link.FindStringSubmatch(l)
				if m == nil || h == "" || !strings.Contains(m[1], "after="+h) || !strings.Contains(m[1], "format="+f) || !strings.Contains(m[1], "limit=400") {
					t.Fatalf("%s: Link %q, X-Accord-Next %q", f, l, h)
				}
				url = srv.URL + m[1]
			} else if h != "" {
				t.Fatalf("%s: X-Accord-Next %q without a Link", f, h)
			}
			if f == "geojson" && next != h {
				t.Fatalf("geojson: next %q, X-Accord-Next %q", next, h)
			}
			if len(page) != 400 && url != "" {
				t.Fatalf("%s: a page of %d before the end", f, len(page))
			}
		}
		if !slices.Equal(got, want) || pages != (len(want)+399)/400 {
			t.Errorf("%s: %d incidents in %d pages, want %d", f, len(got), pages, len(want))
		}
	}
}

func TestIncidentExportErrors(t *testing.T) {
	srv, _ := newServer(t)
	for _, tc := range []struct {
		query, message string
	}{
		{"format=shp", `format: "shp" is not a format of the incident listing (want json, geojson, csv, kml)`},
		{"format=", `format: "" is not a format of the incident listing (want json, geojson, csv, kml)`},
		{"format=GeoJSON", `format: "GeoJSON" is not a format of the incident listing (want json, geojson, csv, kml)`},
		{"format=csv&format=kml", `format: given more than once`},
		{"format=csv&limit=10001", `limit: want 1 to 10000, got 10001`},
		{"format=csv&colour=red", `unknown filter "colour"`},
		{"format=kml&after=x", `after: "x" is not a page cursor`},
		// An empty filter was left unapplied: the whole listing, taken for
		// a filtered one.
		{"state=", `state: empty; give a value, or leave the parameter out`},
		{"format=csv&since=", `since: empty`},
		{"bbox=&party=ua", `bbox: empty`},
	} {
		resp, body := get(t, srv.URL+"/v1/incidents?"+tc.query)
		var e api.ErrorBody
		if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/json" ||
			e.Code != "invalid" || !strings.HasPrefix(e.Message, tc.message) {
			t.Errorf("?%s: %d %s, want 400 %q", tc.query, resp.StatusCode, body, tc.message)
		}
	}
}

// TestIncidentExportOpensInGDAL opens GET /v1/incidents?format=geojson by
// its URL with GDAL's ogrinfo, as QGIS adds a layer from a URL: one point
// layer holding every incident. scripts/test installs gdal-bin; where it
// cannot (ACCORD_GDAL_UNAVAILABLE), the test skips saying so.
func TestIncidentExportOpensInGDAL(t *testing.T) {
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		if why := os.Getenv("ACCORD_GDAL_UNAVAILABLE"); why != "" {
			t.Skipf("SKIPPED: GDAL's ogrinfo is not on this machine and cannot be installed (%s)", why)
		}
		t.Fatal("no ogrinfo (GDAL) on this machine: run scripts/test, which installs Debian's gdal-bin, or install gdal-bin")
	}
	srv, all := simulatedServer(t)
	out, err := exec.Command(bin, "-ro", "-al", "-so", srv.URL+"/v1/incidents?format=geojson").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, want := range []string{"using driver `GeoJSON' successful", "Geometry: Point", fmt.Sprintf("Feature Count: %d\n", len(all)),
		"\nviolation_rules: String", "\nconfidence: Real", "\nfirst_observed: DateTime"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo does not say %q:\n%s", want, out)
		}
	}
}
