package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord/engine"
)

// Instants with a fraction of a second read in the derived events and the
// errors as the state holds them: a deadline of 00:00:00.5 said as
// 00:00:00 looks missed by an answer at 00:00:00.4, which is in time, and
// an entry refused as "going backwards" named the same second twice.
func TestFractionsOfASecondAreSaid(t *testing.T) {
	a := boundaryAgreement(t)
	signed := []engine.Event{
		{Type: "sign", Party: "ua", At: at("2026-02-01T10:00:00Z")},
		{Type: "sign", Party: "ru", At: at("2026-02-01T10:00:00Z")},
		{Type: "violation", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2026-02-02T00:00:00.5Z")},
	}
	cases := []struct {
		name string
		then []engine.Event
		want string // in a derived event, or in the error
	}{
		{"the response's deadline", nil, "notice to ru, response due by 2026-02-05T00:00:00.5Z"},
		{"the joint commission's", []engine.Event{
			{Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "e", At: at("2026-02-03T00:00:00.25Z")},
		}, "finding due by 2026-02-18T00:00:00.25Z"},
		{"the ministers'", []engine.Event{
			{Type: "response", Consultation: "v1", Party: "ru", Answer: "dispute", Evidence: "e", At: at("2026-02-03T00:00:00.25Z")},
			{Type: "tick", At: at("2026-02-19T00:00:00Z")},
		}, "to the ministers, due by 2026-03-05T00:00:00.25Z"},
		{"time going backwards", []engine.Event{
			{Type: "tick", At: at("2026-02-02T00:00:00.4Z")},
		}, "log entry 4 (tick at 2026-02-02T00:00:00.4Z): time goes backwards: 2026-02-02T00:00:00.4Z is before the previous entry's 2026-02-02T00:00:00.5Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := engine.Replay(a, numbered(append(slices.Clone(signed), c.then...)...))
			if err != nil {
				if !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v\nwant %q", err, c.want)
				}
				return
			}
			var what []string
			for _, d := range s.Derived {
				what = append(what, d.What)
			}
			if !strings.Contains(strings.Join(what, "\n"), c.want) {
				t.Errorf("no derived event says %q:\n%s", c.want, strings.Join(what, "\n"))
			}
		})
	}
}

// The snapback notified at an instant with a fraction says when it takes
// effect to the fraction (snapback_at: elapsed keeps the notification's).
func TestSnapbackNotifiedWithAFraction(t *testing.T) {
	a := snapbackAgreement(t, "  snapback_at: elapsed\n")
	s, err := engine.Replay(a, numbered(
		engine.Event{Type: "sign", Party: "ua", At: at("2025-08-02T00:00:00Z")},
		engine.Event{Type: "sign", Party: "ru", At: at("2025-08-02T00:00:00Z")},
		engine.Event{Type: "violation", ID: "v1", Party: "ru", Rule: "x", Severity: "major", At: at("2025-08-27T00:00:00Z")},
		engine.Event{Type: "response", Consultation: "v1", Party: "ru", Answer: "accept", At: at("2025-08-28T14:00:00.5Z")},
	))
	if err != nil {
		t.Fatal(err)
	}
	want := "snapback notified (violation v1, upheld): relief re-imposed on 2025-09-27T14:00:00.5Z unless settled"
	if !slices.ContainsFunc(s.Derived, func(d engine.Derived) bool { return d.What == want }) {
		t.Errorf("no derived event %q", want)
	}
}
