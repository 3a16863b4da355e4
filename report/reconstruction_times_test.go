package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/report"
)

// The reconstruction section's tables give each row's instant in RFC 3339
// in UTC, as accord agreement status does: they printed "11:00", no zone,
// the clock of the zone the event was recorded in — 11:00 for a fund
// registered at 08:00 UTC with an offset of +03:00.
func TestReconstructionTablesPrintInstantsInUTC(t *testing.T) {
	eest := time.FixedZone("EEST", 3*3600)
	day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC).In(eest) // 03:00 at +03:00
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
	// The day's commitment (09:00 UTC), confirmation (10:00),
	// disbursement (11:00) and refusals (14:00, 15:00).
	want := []string{"2026-06-02T09:00:00Z", "2026-06-02T10:00:00Z", "2026-06-02T11:00:00Z", "2026-06-02T14:00:00Z", "2026-06-02T15:00:00Z"}
	for view, text := range map[string]string{"markdown": md.String(), "html": html.String()} {
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no row at %s:\n%s", view, w, text)
			}
		}
		if bare := regexp.MustCompile(`(\| |<td>)\d\d:\d\d( \||</td>)`).FindString(text); bare != "" {
			t.Errorf("%s: a time without its day and zone: %q", view, bare)
		}
	}
}
