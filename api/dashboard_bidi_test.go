package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accord-peace/accord/api"
)

// Free text from outside cannot reorder what the dashboard shows after
// it: an observation's attributed_to is any string, and becomes the party
// of the incident's violation, shown in the table as "rule (party,
// confidence)". A party holding a right-to-left override (U+202E) without
// its end must not turn the confidence that follows it around ("90 %"
// read as "% 09"). Posted to a real server, read in a real Chromium: the
// 9 of the confidence is drawn left of its 0.
func TestDashboardPartyCannotReorderTheRow(t *testing.T) {
	bin := chromium(t)
	srv, _ := feedServer(t, &api.Feed{})
	obs := strings.Replace(strings.Replace(line, "ID", "b1", 1), `"attributed_to":"unknown"`, `"attributed_to":"\u202eur"`, 1)
	if code, out := post(t, srv.URL, "application/x-ndjson", obs+"\n"); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
	ctx := headless(t, bin)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#rows tr").length === 1`, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("the incident is not in the table: %v", err)
	}
	// The x of each of the confidence's two digits, in the violations cell.
	xs, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const td = document.querySelector("#rows tr").lastElementChild;
		const w = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode());) {
			const i = n.data.indexOf("90 %");
			if (i < 0) continue;
			const x = k => { const r = document.createRange(); r.setStart(n, k); r.setEnd(n, k + 1); return r.getBoundingClientRect().left; };
			return [x(i), x(i + 1)];
		}
		return [];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 2 {
		t.Fatalf("no confidence \"90 %%\" in the violations cell")
	}
	if xs[0] >= xs[1] {
		t.Errorf("the party's right-to-left override turns the confidence around: its 9 at x %.1f, its 0 at x %.1f (read \"09\")", xs[0], xs[1])
	}
}
