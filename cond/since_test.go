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
