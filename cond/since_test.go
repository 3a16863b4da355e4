package cond

import (
	"strconv"
	"testing"
	"time"
)

// since() is compared to the nanosecond, however long the time: a phase
// "since(signature) >= 365d" does not open an instant before the 365 days
// are out (as seconds in a float64 the last nanoseconds of a time past
// about 194 days are lost), nor does "> 365d" wait past the first instant
// after.
func TestSinceToTheNanosecond(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	for _, days := range []int{30, 365, 1000, 36500} {
		end := t0.AddDate(0, 0, days)
		tests := []struct {
			op   string
			now  time.Time
			want bool
		}{
			{">=", end.Add(-time.Nanosecond), false},
			{">=", end, true},
			{">", end, false},
			{">", end.Add(time.Nanosecond), true},
			{"==", end.Add(-time.Nanosecond), false},
			{"==", end, true},
			{"==", end.Add(time.Nanosecond), false},
			{"<", end.Add(-time.Nanosecond), true},
			{"<", end, false},
			{"<=", end.Add(time.Nanosecond), false},
		}
		for _, tt := range tests {
			src := "since(signature) " + tt.op + " " + strconv.Itoa(days) + "d"
			e, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(e, names); err != nil {
				t.Fatal(err)
			}
			r := &record{now: tt.now, events: map[string]time.Time{"signature": t0}}
			if got := Eval(e, r); got != tt.want {
				t.Errorf("%s at signature + %s: %v, want %v", src, tt.now.Sub(t0), got, tt.want)
			}
		}
	}
}

// A window within=D counts the items from now − D (included) to now, D to
// the nanosecond: within=1.001s reaches 1,001,000,000 ns back, not one less
// (its seconds times 10⁹ are 1,000,999,999.9999999).
func TestWithinToTheNanosecond(t *testing.T) {
	now := time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		within string
		back   time.Duration // the violation this long before now
		want   bool          // counted
	}{
		{"1.001s", 1001 * time.Millisecond, true},
		{"1.001s", 1001*time.Millisecond + 1, false},
		{"0.3s", 300 * time.Millisecond, true},
		{"1.015s", 1015 * time.Millisecond, true},
		{"1.1h", 66 * time.Minute, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"30d", 30*24*time.Hour + 1, false},
	}
	for _, tt := range tests {
		src := "violations(within=" + tt.within + ") == 1"
		e, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(e, names); err != nil {
			t.Fatal(err)
		}
		r := &record{now: now, violations: []Item{{At: now.Add(-tt.back), Party: "ru", Rule: "crossing", Severity: "major"}}}
		if got := Eval(e, r); got != tt.want {
			t.Errorf("%s, a violation %s before now: %v, want %v", src, tt.back, got, tt.want)
		}
	}
}
