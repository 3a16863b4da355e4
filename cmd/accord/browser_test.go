package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser finds Chromium; scripts/test installs it when absent.
func browser(t *testing.T) string {
	t.Helper()
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on this machine: run scripts/test, which installs Debian's chromium")
	return ""
}

// In a real headless Chromium: the live page draws the map (countries,
// oblasts, the contact line, the zones and the bands), the incidents
// posted before it opened appear on it from GET /v1/incidents (the feed
// does not replay the ledger: it marks a snapshot and goes on from there),
// those posted after appear as they are fused, every incident once, and
// the panels follow: the
// incident's observations, the agreement's phases and consultations, a
// compliance timeline per party, the proposals' matrix and frontier. A
// screenshot is kept in testdata/artifacts.
func TestDashboardInChromium(t *testing.T) {
	bin := browser(t)
	obs, _ := simulateTo(t, "--seed", "6", "--duration", "1h")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	// The first half of the observations before the page opens, the rest
	// after.
	body, _ := os.ReadFile(obs)
	lines := bytes.SplitAfter(body, []byte("\n"))
	before, after := bytes.Join(lines[:len(lines)/2], nil), bytes.Join(lines[len(lines)/2:], nil)
	postObs := func(b []byte) {
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(b))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	postObs(before)
	early := countIncidents(t, url)
	if early < 5 {
		t.Fatalf("%d incidents before the page opens; want some", early)
	}

	err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(`#map .leaflet-overlay-pane svg`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#map path").length > 150`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	if err != nil {
		t.Fatalf("the map did not draw: %v", err)
	}
	countries, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#map path:not(.incident)").length`))
	if err != nil {
		t.Fatal(err)
	}
	// The snapshot: the incidents posted before, from GET /v1/incidents.
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.body.dataset.snapshot !== undefined && document.body.dataset.markers === "%d"`, early), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the %d incidents posted before the page opened did not appear on the map: %v", early, err)
	}
	// Post the rest now: the page must pick the incidents up live, and end
	// with every incident once.
	postObs(after)
	total := countIncidents(t, url)
	if total <= early {
		t.Fatalf("%d incidents after the second half, %d before", total, early)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.body.dataset.markers === "%d" && document.body.dataset.incidents === "%d" && document.querySelectorAll("#rows tr").length === %d`, total, total, min(total, 50)), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the page does not show the %d incidents of GET /v1/incidents: %v", total, err)
	}
	// The incidents are clustered: every one is in the cluster group, and
	// what the map shows of them (clusters, single markers) is drawn in a
	// pane below the agreed geometry's.
	shapes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`cluster.getLayers().length`))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#rows tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	// Every panel of the dashboard draws: the oblasts and the bands on the
	// map, the phases, a timeline per party, the matrix and the frontier;
	// a click on an incident lists its observations.
	for _, check := range []struct{ what, js string }{
		{"oblast boundaries", `document.querySelectorAll("path.oblast").length >= 27`},
		{"incidents as clusters or markers", `document.querySelectorAll(".leaflet-incidents-pane .cl, .leaflet-incidents-pane path.incident").length >= 1`},
		{"the contact line above the clusters", `(() => { const z = e => +getComputedStyle(e.closest(".leaflet-pane:not(.leaflet-map-pane)")).zIndex; const l = document.querySelector("path.zone.contact_line"), c = document.querySelector(".leaflet-incidents-pane .cl, .leaflet-incidents-pane path.incident"); return l && c && z(l) > z(c); })()`},
		{"band edges", `document.querySelectorAll("path.band").length >= 8`},
		{"the agreement's phases", `document.querySelectorAll("#phases li.phase").length >= 2`},
		{"a compliance timeline per party", `document.querySelectorAll(".party-timeline").length >= 2 && document.querySelectorAll(".party-timeline rect.bar").length >= 1`},
		{"the comparison matrix", `document.querySelectorAll("#matrix table tr").length >= 5`},
		{"the frontier plot", `document.getElementById("frontier").naturalWidth > 100`},
		{"the forecast chart (smp)", `!document.getElementById("forecast-panel").hidden && document.getElementById("forecast").src.endsWith("model=smp") && document.getElementById("forecast").naturalWidth > 100`},
		{"notices", `document.querySelectorAll("#notices li").length >= 1`},
	} {
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](check.js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Errorf("%s: not drawn (%s): %v", check.what, check.js, err)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#rows tr").click(), true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll("#observations tbody tr").length >= 1`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the incident panel: %v", err)
	}
	chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	// One page of the table (50 rows at most), every incident on the map.
	if rows != min(shapes, 50) {
		t.Errorf("%d incident rows but %d markers", rows, shapes)
	}
	dir := filepath.Join("testdata", "artifacts")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "dashboard.png"), shot, 0o644); err != nil {
		t.Error(err)
	}
	// The first screen alone (the README's picture: docs/dashboard.png).
	if top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(dir, "dashboard-top.png"), top, 0o644)
	}
	// The filters apply to the map and the table alike: a rule's incidents
	// only, then all again.
	filtered, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
		const sel = document.getElementById("f-rule");
		sel.value = sel.options[1].value; sel.dispatchEvent(new Event("change"));
		const b = document.body.dataset, r = [+b.shown, +b.markers, document.querySelectorAll("#rows tr").length, +b.incidents];
		sel.value = ""; sel.dispatchEvent(new Event("change"));
		return r.concat([+b.shown]);
	})()`))
	if err != nil {
		t.Fatal(err)
	} else if f := filtered; f[0] < 1 || f[0] >= f[3] || f[1] != f[0] || f[2] != min(f[0], 50) || f[4] != f[3] {
		t.Errorf("a rule's filter: %d shown, %d markers, %d rows of %d incidents, then %d without the filter", f[0], f[1], f[2], f[3], f[4])
	}
	// The forecast's model selector redraws the chart with that model.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("forecast-model"); s.value = "eu"; s.dispatchEvent(new Event("change")); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`(() => { const i = document.getElementById("forecast"); return i.src.endsWith("model=eu") && i.complete && i.naturalWidth > 100; })()`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Errorf("the forecast by the eu model: %v", err)
	}
	// The labels in Ukrainian and Russian.
	for lang, want := range map[string]string{"uk": "Інциденти", "ru": "Инциденты", "en": "Incidents"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); return document.querySelector('[data-i18n="Incidents"]').textContent + "|" + document.querySelector(".legend").textContent; })()`))
		if err != nil || !strings.HasPrefix(got, want+"|") {
			t.Errorf("language %s: heading and legend %q (%v), want %q first", lang, got, err, want)
		}
	}
	// The forecast panel's labels follow the language too.
	for lang, want := range map[string]string{"uk": "Чим може завершитися торг|очікувана корисність", "ru": "Чем может закончиться торг|ожидаемая полезность", "en": "Where the bargaining may land|expected utility"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); return document.querySelector('[data-i18n="forecast"]').textContent + "|" + document.querySelector('[data-i18n="fc eu"]').textContent; })()`))
		if err != nil || got != want {
			t.Errorf("language %s: the forecast panel says %q (%v), want %q", lang, got, err, want)
		}
	}
	t.Logf("%d map shapes before the incidents, then %d incidents on the map (%d from the snapshot); screenshot %s (%d bytes)", countries, shapes, early, filepath.Join(dir, "dashboard.png"), len(shot))
}

// countIncidents counts every incident the server lists, page by page.
func countIncidents(t *testing.T, url string) int {
	t.Helper()
	n, after := 0, ""
	for {
		resp, err := http.Get(url + "/v1/incidents?limit=1000&after=" + after)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Incidents []json.RawMessage `json:"incidents"`
			Next      string            `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Incidents)
		if page.Next == "" {
			return n
		}
		after = page.Next
	}
}

// A month of data: `accord simulate --duration 720h` at 15 true events an
// hour (some 44,000 observations, 12,000 incidents), all posted before the
// page opens. The page draws the map with every incident clustered, keeps
// the table to one page, and filters by period. It logs how long the map
// took (performance marks: first contentful paint, the snapshot's
// incidents on the map) and the JS heap; the bound asserted is generous
// (a shared 2-core machine), the figures measured are in docs/server.md.
func TestDashboardInChromiumMonth(t *testing.T) {
	bin := browser(t)
	obs, _ := simulateTo(t, "--seed", "7", "--duration", "720h", "--rate", "15", "--false-alarms", "1")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()
	body, _ := os.ReadFile(obs)
	lines := bytes.SplitAfter(bytes.TrimSpace(body), []byte("\n"))
	if len(lines) < 20000 {
		t.Fatalf("%d observations in a month; want tens of thousands", len(lines))
	}
	for i := 0; i < len(lines); i += 10000 {
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(bytes.Join(lines[i:min(i+10000, len(lines))], nil)))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	total := countIncidents(t, url)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-gpu", true), chromedp.Flag("enable-precise-memory-info", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.body.dataset.snapshot !== undefined && document.body.dataset.markers === "%d" && performance.getEntriesByName("incidents-drawn").length === 1`, total), chromedp.WithPollingTimeout(60*time.Second)),
	); err != nil {
		t.Fatalf("the month's %d incidents did not reach the map: %v", total, err)
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`({
		fcp: (performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime,
		drawn: performance.getEntriesByName("incidents-drawn")[0].startTime,
		heap: performance.memory.usedJSHeapSize,
		table: document.getElementById("incidents").offsetHeight,
		page: document.documentElement.scrollHeight,
		rows: document.querySelectorAll("#rows tr").length,
		clusters: document.querySelectorAll(".leaflet-incidents-pane .cl").length,
		pages: +document.body.dataset.pages,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d observations, %d incidents: first contentful paint %.0f ms, every incident on the map %.0f ms after navigation; JS heap %.1f MB; %.0f clusters drawn; table %.0f px (%.0f rows, %.0f pages), page %.0f px",
		len(lines), total, m["fcp"], m["drawn"], m["heap"]/1e6, m["clusters"], m["table"], m["rows"], m["pages"], m["page"])
	// The time to the map is a measurement (logged above, recorded in the
	// README with its machine), not an assertion: on a loaded 2-core
	// machine it ranged from 2 s to 26 s, and a timed assertion in a test
	// fails on load, not on a regression. That every incident reached the
	// map is asserted: the mark "incidents-drawn" exists, and the period
	// filter below finds them all on it.
	if m["rows"] != 50 || m["table"] > 3000 || m["page"] > 8000 {
		t.Errorf("table %.0f px with %.0f rows, page %.0f px: the table is not bounded", m["table"], m["rows"], m["page"])
	}
	if m["clusters"] < 1 || m["clusters"] > 500 {
		t.Errorf("%.0f clusters drawn", m["clusters"])
	}
	// The period filter: the last 24 h, 7 days, 30 days, on the map and
	// in the table.
	var shown []int
	for _, p := range []string{"24h", "7d", "30d", "all"} {
		// The map takes the incidents in chunks: data-busy is empty once
		// it holds them all.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("f-period"); s.value = "`+p+`"; s.dispatchEvent(new Event("change")); return true; })()`)); err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(ctx, chromedp.Poll[[]int](`document.body.dataset.busy === "" && [+document.body.dataset.shown, +document.body.dataset.markers]`, chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			t.Fatalf("period %s: %v", p, err)
		}
		if n[0] != n[1] {
			t.Errorf("period %s: %d in the table, %d on the map", p, n[0], n[1])
		}
		shown = append(shown, n[0])
	}
	t.Logf("incidents shown for the last 24 h, 7 days, 30 days, all: %v", shown)
	if !(0 < shown[0] && shown[0] < shown[1] && shown[1] < shown[2] && shown[2] <= shown[3] && shown[3] == total) {
		t.Errorf("incidents shown for 24 h, 7 d, 30 d, all: %v of %d", shown, total)
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		dir := filepath.Join("testdata", "artifacts")
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "dashboard-month.png"), shot, 0o644)
	}
}
