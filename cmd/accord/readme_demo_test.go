package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README tells the demo's story (seed 1, the default) step by step
// with the day of each step: those days are the ones the demo prints. The
// README said the snapback came on day 68, thirty times 24 hours after the
// finding; it takes effect at 00:00 UTC once the thirtieth day after the
// finding's day is over, and the demo prints it on day 69.
func TestReadmeTellsTheDemoStory(t *testing.T) {
	out, errs, code := runAccord(t, "demo", "--exit", "--skip-negotiation", "--speed", "1e6", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("demo: exit %d: %s\n%s", code, errs, out)
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(data)), " ")
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) // the simulation's first day, the story's day 0
	// day is the day of the story (days since its start) of the first line
	// of the demo's output matching re, after the line matching after.
	day := func(re, after string) int {
		t.Helper()
		seen := after == ""
		for _, l := range strings.Split(out, "\n") {
			if !seen {
				seen = regexp.MustCompile(after).MatchString(l)
				continue
			}
			if regexp.MustCompile(re).MatchString(l) {
				at, err := time.Parse(time.RFC3339, l[:strings.IndexByte(l+" ", ' ')])
				if err != nil || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  `).MatchString(l) {
					t.Fatalf("%q does not begin with an RFC 3339 instant in UTC: %v", l, err)
				}
				return int(at.Sub(start) / (24 * time.Hour))
			}
		}
		t.Fatalf("the demo printed no line matching %q after %q:\n%s", re, after, out)
		return 0
	}
	breach := day(`a breach: ru fires across the line`, "")
	for _, c := range []struct{ what, says string }{
		{"the withdrawal recorded", fmt.Sprintf("Day %d, Russia records the heavy-weapons withdrawal done", day(`  ru records provision heavy-weapons-withdrawal done`, ""))},
		{"the exchange recorded", fmt.Sprintf("day %d, Ukraine the prisoner exchange", day(`  ua records provision prisoner-exchange done`, ""))},
		{"the permanent phase", fmt.Sprintf("day %d.** Thirty days without a major violation", day(`  phase permanent open`, ""))},
		{"the breach and its finding", fmt.Sprintf("days %d–%d.** A breach", breach, day(`^\S+Z  the guarantors \[eu us\] find inc-[0-9]+:crossing: upheld`, "a breach: ru fires"))},
		{"the snapback", fmt.Sprintf("day %d.** **Snapback**", day(`  snapback effective \(violation`, ""))},
	} {
		if !strings.Contains(readme, c.says) {
			t.Errorf("%s: the README lacks %q (the demo's output)", c.what, c.says)
		}
	}
}
