package api_test

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// Nothing recorded is silently left out: the dashboard's agreement panel
// lists the open consultations, and when it lists only some of them it
// says so (how many of how many). Fifteen confirmed strikes on the
// Zaporizhzhia plant, each its own incident, open fifteen consultations on
// a real server with a ledger; the page is opened in a real headless
// Chromium.
func TestDashboardConsultationsSayWhenPartial(t *testing.T) {
	bin := chromium(t)
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := httptest.NewServer(api.NewServer(newMission(t, monitor.NewMemStore(), l)).Handler())
	defer srv.Close()
	const n = 15
	t0 := time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC)
	var b strings.Builder
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(i) * 3 * time.Hour).Format(time.RFC3339)
		o := strings.Replace(line, `"id":"ID"`, fmt.Sprintf(`"id":"s%d"`, i), 1)
		o = strings.ReplaceAll(strings.ReplaceAll(o, "2025-06-01T04:10:00Z", at), "2025-06-01T04:25:13Z", at)
		o = strings.Replace(o, `"attributed_to":"unknown"`, `"attributed_to":"ru"`, 1)
		b.WriteString(o + "\n")
		for _, team := range []string{"team-a", "team-b"} {
			b.WriteString(strings.Replace(o, `"source":{"id":"sat-un","kind":"satellite","owner":"un"}`, `"source":{"id":"`+team+`","kind":"ground_monitor","owner":"`+team+`"}`, 1) + "\n")
		}
	}
	if code, out := post(t, srv.URL, "application/x-ndjson", b.String()); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
	_, body := get(t, srv.URL+"/v1/agreements")
	if got := strings.Count(string(body), `"stage":"notice"`); got != n {
		t.Fatalf("%d open consultations on the record, want %d:\n%s", got, n, body)
	}

	ctx := headless(t, bin)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#agreement tr.consultation").length > 0`, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("the agreement panel did not draw its consultations: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#agreement tr.consultation").length`))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("agreement").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if rows < n && !strings.Contains(text, fmt.Sprintf("%d of %d", rows, n)) {
		t.Errorf("the panel lists %d of the %d open consultations and does not say it shows only %d of %d:\n%s", rows, n, rows, n, text)
	}
}
