package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/report"
)

// Every fund to date, with what of it is committed and disbursed, is in
// every view of the section (docs/report.md: "every fund to date"; the
// Markdown is "the same section"): the HTML has them, so must the
// Markdown, not only their number.
func TestReconstructionMarkdownHasFundsToDate(t *testing.T) {
	day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	x, err := report.BuildReconstruction(registryLog(t, day), day)
	if err != nil {
		t.Fatal(err)
	}
	var md, html bytes.Buffer
	if err := x.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := x.HTML(&html); err != nil {
		t.Fatal(err)
	}
	if len(x.FundTotals) != 2 {
		t.Fatalf("fund totals: %+v", x.FundTotals)
	}
	for _, f := range x.FundTotals {
		committed := reconstruction.Money{Amount: f.Committed, Currency: f.Amount.Currency}.String()
		disbursed := reconstruction.Money{Amount: f.Disbursed, Currency: f.Amount.Currency}.String()
		for view, text := range map[string]string{"html": html.String(), "markdown": md.String()} {
			row := ""
			for _, line := range strings.Split(text, "\n") {
				if strings.Contains(line, f.ID) && strings.Contains(line, f.Amount.String()) && strings.Contains(line, committed) && strings.Contains(line, disbursed) {
					row = line
				}
			}
			if row == "" {
				t.Errorf("%s: no row for fund %s to date (%s, committed %s, disbursed %s)", view, f.ID, f.Amount, committed, disbursed)
			}
		}
	}
}
