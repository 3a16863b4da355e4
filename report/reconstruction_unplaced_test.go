package report_test

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/report"
)

// A refusal that names no project (a fund refused) is in the day's list of
// refusals but in neither the oblast nor the sector table: the section
// says how many the tables' "refusals today" column leaves out, in
// Markdown, HTML and JSON, so that the column's sum and the day's count
// agree. The tables counted 2 of the day's 3 refusals without a word.
func TestReconstructionCountsRefusalsWithoutAPlace(t *testing.T) {
	day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	log := registryLog(t, day)
	// The log up to the day's end, the refused fund, then the next day's
	// disbursement again (a refusal is recorded only in time order).
	r, err := reconstruction.Replay(log[:len(log)-1])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		extra bool // a fund refused on the day
		want  string
	}{
		{"every refusal placed", false, ""},
		{"a fund refused", true, "1 of the day's refusals names no project: the tables by oblast and sector do not count it."},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := log
			if c.extra {
				if _, err := r.Submit(reconstruction.Event{At: day.Add(16 * time.Hour), Type: reconstruction.FundEv,
					Fund: &reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Owner: "eu", Amount: reconstruction.Money{Amount: 100, Currency: "EUR"}}}); err == nil {
					t.Fatal("a second fund eu-era was not refused")
				}
				next := *log[len(log)-1].Disbursement
				if _, err := r.Disburse(next, next.At, agreement{holds: true}); err != nil {
					t.Fatal(err)
				}
				l = r.Log
			}
			x, err := report.BuildReconstruction(l, day)
			if err != nil {
				t.Fatal(err)
			}
			var md, h bytes.Buffer
			if err := x.Markdown(&md); err != nil {
				t.Fatal(err)
			}
			if err := x.HTML(&h); err != nil {
				t.Fatal(err)
			}
			for what, got := range map[string]string{"Markdown": md.String(), "HTML": h.String()} {
				want := c.want
				if what == "HTML" {
					want = html.EscapeString(want)
				}
				if c.want == "" && strings.Contains(got, "names no project") || c.want != "" && !strings.Contains(got, want) {
					t.Errorf("%s: want %q in\n%s", what, c.want, got)
				}
			}
			if n := strings.Count(string(x.JSON()), `"refusals_without_project": 1`); n != map[bool]int{false: 0, true: 1}[c.extra] {
				t.Errorf("JSON: refusals_without_project 1 %d times:\n%s", n, x.JSON())
			}
		})
	}
}
