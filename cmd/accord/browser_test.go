package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
// oblasts, the contact line, the zones and the bands), incidents posted to
// the API appear on it as they are fused, and the panels follow: the
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
	// Post the observations now: the page must pick the incidents up live.
	body, _ := os.ReadFile(obs)
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll("path.incident").length >= 20`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("incidents did not appear on the map: %v", err)
	}
	shapes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("path.incident").length`))
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
		{"band edges", `document.querySelectorAll("path.band").length >= 8`},
		{"the agreement's phases", `document.querySelectorAll("#phases li.phase").length >= 2`},
		{"a compliance timeline per party", `document.querySelectorAll(".party-timeline").length >= 2 && document.querySelectorAll(".party-timeline rect.bar").length >= 1`},
		{"the comparison matrix", `document.querySelectorAll("#matrix table tr").length >= 5`},
		{"the frontier plot", `document.getElementById("frontier").naturalWidth > 100`},
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
	if rows != shapes {
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
	t.Logf("%d map shapes before the incidents, then %d incidents on the map; screenshot %s (%d bytes)", countries, shapes, filepath.Join(dir, "dashboard.png"), len(shot))
}
