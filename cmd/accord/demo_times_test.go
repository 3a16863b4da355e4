package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rfc3339UTC is an instant as the demo prints it: RFC 3339 in UTC, with a Z.
var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// The demo's story says each step at its instant in RFC 3339 in UTC, as
// accord agreement status does: it printed "2025-06-01 11:00", no zone,
// and the clock of the instant's own zone (17:00 for 14:00 UTC at +03:00).
func TestStorySaysInstantsInUTC(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 6, 1, 11, 0, 0, 0, time.UTC), "2025-06-01T11:00:00Z  ua disputes inc-14\n"},
		{time.Date(2025, 6, 1, 17, 0, 0, 0, time.FixedZone("EEST", 3*3600)), "2025-06-01T14:00:00Z  ua disputes inc-14\n"},
		{time.Date(2025, 8, 9, 2, 0, 0, 500, time.UTC), "2025-08-09T02:00:00.0000005Z  ua disputes inc-14\n"},
	} {
		var b bytes.Buffer
		(&story{out: &b}).say(c.at, "%s disputes %s", "ua", "inc-14")
		if b.String() != c.want {
			t.Errorf("say(%s) = %q, want %q", c.at, b.String(), c.want)
		}
	}
}

// demo --war prints the simulated clock in RFC 3339 in UTC.
func TestDemoWarPrintsInstantsInUTC(t *testing.T) {
	out, errs, code := runAccord(t, "demo", "--war", "--seed", "5", "--duration", "30m", "--speed", "1e6", "--exit",
		"--agreement", "reference", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("demo --war: exit %d\n%s\n%s", code, out, errs)
	}
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if at, _, ok := strings.Cut(l, " simulated: "); ok {
			n++
			if !rfc3339UTC.MatchString(at) {
				t.Errorf("%q: the simulated clock is not RFC 3339 in UTC", l)
			}
		}
	}
	if n == 0 {
		t.Errorf("demo --war printed no simulated clock:\n%s", out)
	}
}
