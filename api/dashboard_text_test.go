package api_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
)

// The names the agreement gives its zones and bands are text on the
// dashboard's map, as they are in the daily report's (report/map.go
// escapes them): a name with markup in it is shown as written, never
// made into elements of the page. The page is opened in a real headless
// Chromium over a real loopback listener, with the reference agreement
// whose first zone and first band are renamed, and every tooltip of the
// zones and bands is opened.
func TestDashboardZoneAndBandNamesAreText(t *testing.T) {
	bin := chromium(t)
	a, err := agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	if err != nil {
		t.Fatal(err)
	}
	_, k := mustReference(t)
	const evil = `<img src=x class=injected onerror="document.body.dataset.injected=1">`
	a.Monitoring.Geometry.Zones[0].Name = evil
	a.Monitoring.Bands[0].ID = evil
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	s.Geometry = a.Monitoring.Geometry.GeoJSON()
	s.Bands = api.BandOutlines(a.Monitoring, k)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	ctx := headless(t, bin)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Poll[chromedp.Void](`typeof zonesLayer !== "undefined" && typeof bandsLayer !== "undefined"`, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("the zones and bands did not draw: %v", err)
	}
	// Open every tooltip of the zones and bands; keep what each shows.
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		for (const g of [zonesLayer, bandsLayer]) g.eachLayer(l => { l.openTooltip(l.getBounds ? l.getBounds().getCenter() : undefined); const t = l.getTooltip(); if (t && t.getElement()) out.push(t.getElement().textContent); l.closeTooltip(); });
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
	injected, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll(".injected").length > 0 || document.body.dataset.injected === "1"`))
	if err != nil {
		t.Fatal(err)
	}
	if injected {
		t.Errorf("a zone's or band's name became markup in the page (an <img> with its onerror)")
	}
	zone, band := false, false
	for _, s := range shown {
		if s == evil {
			zone = true
		}
		if len(s) > len(evil) && s[:len(evil)+1] == evil+":" {
			band = true
		}
	}
	if !zone || !band {
		t.Errorf("the tooltips do not show the names as written (zone %v, band %v); shown: %q", zone, band, shown)
	}
}
