package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// In a real headless Chromium, the dashboard of a server running the grain
// corridor beside the reference agreement, fed three days of simulated
// vessels: the corridor panel shows a bar pair per day with the day's
// voyages (those of GET /v1/corridor), the totals, and the vessels under
// way on the map and in a table; on a server without a corridor the panel
// stays hidden.
func TestDashboardCorridorInChromium(t *testing.T) {
	bin := browser(t)
	url, stop, c := startCorridor(t)
	defer stop()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll("#corridor g.corridor-day").length === %d`, len(c.Days)), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the corridor panel does not show the %d days: %v", len(c.Days), err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#corridor g.corridor-day")].map(g => g.dataset.day + ":" + g.dataset.voyages + ":" + g.querySelector("text").textContent).join(" ")`))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	under := 0
	for _, d := range c.Days {
		want = append(want, fmt.Sprintf("%s:%d:%d", d.Day, d.Voyages, d.Voyages))
	}
	for _, v := range c.Vessels {
		if v.UnderWay && v.LastFix != nil {
			under++
		}
	}
	if shown != strings.Join(want, " ") {
		t.Errorf("the panel's days %q, want %q", shown, strings.Join(want, " "))
	}
	for _, check := range []struct{ what, js string }{
		{"the panel", `!document.getElementById("corridor-panel").hidden`},
		{"voyage and tonnage bars", `document.querySelectorAll("#corridor rect.voyages").length === document.querySelectorAll("#corridor rect.tonnage").length`},
		{"the totals", fmt.Sprintf(`document.getElementById("corridor-totals").textContent.startsWith("%d voyage(s) completed")`, c.Voyages)},
		{"the vessels under way on the map", fmt.Sprintf(`document.querySelectorAll(".leaflet-vessels-pane path.vessel").length === %d`, under)},
		{"the vessels under way in the table", fmt.Sprintf(`document.querySelectorAll("#vessels tr.vessel").length === %d`, under)},
	} {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](check.js))
		if err != nil || !ok {
			t.Errorf("%s: %v (%s)", check.what, err, check.js)
		}
	}
	if under == 0 {
		t.Error("no vessel under way at the end of the simulation")
	}
	t.Logf("days %s; %d under way", shown, under)
	// A screenshot of the panel and the map, kept in testdata/artifacts.
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		dir := filepath.Join("testdata", "artifacts")
		if os.MkdirAll(dir, 0o755) == nil {
			os.WriteFile(filepath.Join(dir, "dashboard-corridor.png"), shot, 0o644)
		}
	}

	// Without a corridor the panel stays hidden.
	plain, pstop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "plain"), "--scenario", "none")
	defer pstop()
	if err := chromedp.Do(ctx, chromedp.Navigate(plain+"/"), chromedp.WaitVisible(`#map .leaflet-overlay-pane svg`), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("corridor-panel").hidden && !document.querySelector("#corridor g")`)); err != nil || !hidden {
		t.Errorf("the corridor panel without a corridor: hidden %v, %v", hidden, err)
	}
}
