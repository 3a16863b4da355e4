package accord

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestObservationTimesRFC3339: spec/observation.md, "observed_at,
// reported_at | RFC 3339 instants". RFC 3339 (5.6) lets T and Z be written
// t and z, and its time-second runs to 60 for a leap second: such a line is
// valid and must be accepted. Go's time.Parse takes what RFC 3339 does not
// (a comma before the fraction, a one-digit hour, an offset of 24 hours):
// "a line that breaks any rule above is rejected with its line number and
// the reason".
func TestObservationTimesRFC3339(t *testing.T) {
	line := func(obs, rep string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.61,48.02]},"properties":{"id":"x","source":{"id":"s","kind":"satellite","owner":"cn"},"observed_at":"` + obs + `","reported_at":"` + rep + `","event":"firing","attributed_to":"unknown","accuracy_m":15,"confidence":0.9}}` + "\n"
	}
	for _, c := range []struct{ obs, rep, want string }{
		{"2025-06-01t04:10:00z", "2025-06-01T04:25:13Z", "2025-06-01T04:10:00Z"},
		{"2025-06-01T04:10:00.25z", "2025-06-01t06:25:13+02:00", "2025-06-01T04:10:00.25Z"},
		// The leap second at the end of 2016, in UTC and at +01:00; it is
		// read as the instant it ends (Go's time has no second 60).
		{"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", "2017-01-01T00:00:00Z"},
		{"2017-01-01T00:59:60.5+01:00", "2017-01-01T00:00:01Z", "2017-01-01T00:00:00.5Z"},
	} {
		obs, err := DecodeObservationBytes([]byte(line(c.obs, c.rep)), "in.ndjson")
		if err != nil {
			t.Errorf("observed_at %q, reported_at %q: %v", c.obs, c.rep, err)
			continue
		}
		if got := obs[0].ObservedAt.UTC().Format(time.RFC3339Nano); got != c.want {
			t.Errorf("observed_at %q read as %s, want %s", c.obs, got, c.want)
		}
	}
	for _, bad := range []string{
		"2025-06-01T04:25:13,5Z",    // a comma: ISO 8601, not RFC 3339
		"2025-06-01T4:25:13Z",       // one-digit hour
		"2025-06-01T04:25:13+24:00", // offset hour 24
		"2025-06-01T04:25:13+02:60", // offset minute 60
		"2025-06-01T04:25:60Z",      // second 60 other than at 23:59 UTC
		"2025-06-01T04:25:13+0200",  // offset without its colon
		"2025-06-01 04:25:13Z",      // a space for the T
		"2025-06-01T04:25:13",       // no offset
		"2025-06-01T04:25:13.Z",     // a point without a digit
		"2025-06-31T04:25:13Z",      // no 31 June
	} {
		_, err := DecodeObservationBytes([]byte(line("2025-06-01T04:10:00Z", bad)), "in.ndjson")
		if err == nil || !strings.Contains(err.Error(), "in.ndjson:1: properties.reported_at: want an RFC 3339 instant, got \""+bad+"\"") {
			t.Errorf("reported_at %q: %v, want refused at line 1 as not RFC 3339", bad, err)
		}
	}
}

// rfc3339Oracle is RFC 3339's date-time form (section 5.6) as a regular
// expression: the reference rfc3339Form is checked against.
var rfc3339Oracle = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$`)

// FuzzRFC3339Form: the byte-by-byte check of the form says what the
// regular expression says, for any string.
func FuzzRFC3339Form(f *testing.F) {
	for _, s := range []string{"2025-06-01T04:10:00Z", "2025-06-01t04:10:00.123456789z", "2025-06-01T04:10:00+23:59", "2025-06-01T04:10:00-24:00",
		"2025-06-01T04:10:00.Z", "2025-06-01T04:10:00,5Z", "2025-06-01T4:10:00Z", "", "2025-06-01T04:10:00+02:0", "2025-06-01T04:10:60Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, got := rfc3339Form(s)
		if want := rfc3339Oracle.MatchString(s); got != want {
			t.Fatalf("rfc3339Form(%q) = %v, the regular expression says %v", s, got, want)
		}
		if _, err := ParseInstant(s); err == nil && !got {
			t.Fatalf("ParseInstant(%q) took a string not of the form", s)
		}
	})
}

// BenchmarkParseInstant: an observation's instant read by ParseInstant
// against time.Parse alone, in the same run (every observation has two).
func BenchmarkParseInstant(b *testing.B) {
	const s = "2025-06-01T04:25:13.250Z"
	b.Run("time.Parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ParseInstant", func(b *testing.B) {
		for b.Loop() {
			if _, err := ParseInstant(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("regexp+time.Parse", func(b *testing.B) {
		for b.Loop() {
			if !rfc3339Oracle.MatchString(s) {
				b.Fatal("no match")
			}
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
