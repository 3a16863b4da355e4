package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/report"
)

// markdownTables checks that every table of a Markdown document keeps its
// shape: each row, read as CommonMark reads lines (a line ends at \n, \r\n
// or a lone \r), has as many unescaped pipes as the table's header.
func markdownTables(t *testing.T, md string) {
	t.Helper()
	lines := regexp.MustCompile(`\r\n|\r|\n`).Split(md, -1)
	pipes := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '|' {
				n++
			}
		}
		return n
	}
	want := -1
	for i, l := range lines {
		if !strings.HasPrefix(l, "|") {
			if want >= 0 && l != "" {
				t.Errorf("line %d %q interrupts a table (a name's line break ended its row)", i+1, l)
			}
			want = -1
			continue
		}
		if want < 0 {
			want = pipes(l)
			continue
		}
		if got := pipes(l); got != want {
			t.Errorf("line %d %q has %d cell separators, its table %d", i+1, l, got, want)
		}
	}
}

// The registry's names are free text (a project's oblast and sector, a
// fund's owner, ids): the reconstruction section's Markdown writes each as
// one table cell, whatever it holds — a carriage return, which CommonMark
// reads as a line end as it reads \n, included.
func TestReconstructionMarkdownCellsHoldAnyName(t *testing.T) {
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	eur := reconstruction.Money{Amount: 100000, Currency: "EUR"}
	r := reconstruction.New()
	for _, ev := range []reconstruction.Event{
		{At: day.Add(time.Hour), Type: reconstruction.FundEv, Fund: &reconstruction.Fund{ID: "f\r| x | y |", Source: reconstruction.Loan, Owner: "eu\rINJECTED", Amount: eur}},
		{At: day.Add(2 * time.Hour), Type: reconstruction.ProjectEv, Project: &reconstruction.Project{ID: "p1", Sector: "energy\r# Heading", Oblast: "kharkivska\r\r| forged | row | | | | |", Cost: eur, Implementer: "x", Status: reconstruction.Active}},
		{At: day.Add(3 * time.Hour), Type: reconstruction.CommitmentEv, Commitment: &reconstruction.Commitment{ID: "c1", Fund: "f\r| x | y |", Project: "p1", Amount: eur}},
	} {
		if _, err := r.Submit(ev); err != nil {
			t.Fatal(err)
		}
	}
	x, err := report.BuildReconstruction(r.Log, day)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := x.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	markdownTables(t, b.String())
	for _, s := range []string{"INJECTED", "forged", "Heading"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("%q left out of the Markdown", s)
		}
	}
}
