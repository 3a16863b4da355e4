package monitor_test

import (
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// A tick judges what an observation at its time would judge, and
// PresenceDueAt says beforehand whether it judges a period missing;
// RestorePresence skips the periods the record judged.
func TestTickPresence(t *testing.T) {
	a, k := mustNuclearPlant(t)
	june := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	cases := []struct {
		name     string
		stream   []*monitor.Observation
		restored []string
		at       time.Time
		want     []string
	}{
		{"no observation yet: nothing judged", nil, nil, june(5, 7), nil},
		{"the deadline not passed", daily(1, []int{1}, june(1, 13)), nil, june(3, 6), nil},
		{"the deadline passed", daily(1, []int{1}, june(1, 13)), nil, june(3, 7), []string{"presence:iaea-znpp:2025-06-02"}},
		{"three days passed", daily(1, []int{1}, june(1, 13)), nil, june(5, 7),
			[]string{"presence:iaea-znpp:2025-06-02", "presence:iaea-znpp:2025-06-03", "presence:iaea-znpp:2025-06-04"}},
		{"a day reported", append(daily(1, []int{1}, june(1, 13)), report("r2", june(2, 9), time.Minute, "iaea", plant)), nil, june(3, 7), nil},
		{"before the clock: nothing", daily(4, []int{1, 2, 3, 4}, june(5, 7)), nil, june(3, 7), nil},
		{"a day the record judged", daily(1, []int{1}, june(1, 13)), []string{"presence:iaea-znpp:2025-06-03", "inc-1", "presence:other:2025-06-04"}, june(5, 7),
			[]string{"presence:iaea-znpp:2025-06-04"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := monitor.NewPipeline(a.Monitoring, k, fusion.Config{})
			p.Observe(c.stream)
			for _, id := range c.restored {
				p.RestorePresence(id)
			}
			due := p.PresenceDueAt(c.at)
			got := missing(p.TickPresence(c.at))
			if !slices.Equal(got, append([]string{}, c.want...)) {
				t.Errorf("tick to %v: missing %v, want %v", c.at, got, c.want)
			}
			if due != (len(c.want) > 0) {
				t.Errorf("PresenceDueAt(%v) %v, and the tick judged %v", c.at, due, got)
			}
			if again := p.TickPresence(c.at); len(again) != 0 {
				t.Errorf("the same tick again judged %v", missing(again))
			}
		})
	}
}
