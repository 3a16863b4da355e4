package stream

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord/mission"
)

// A tick's parts are held and ordered as a batch's: a tick published
// after batch A and before batch B (HeaderAfter) is decided between
// them, whichever sector's worker is through first, as a tick step (no
// incident handed out); its parts come again (published again past the
// duplicate window) do nothing, the clock being past it.
func TestTickHeldAsABatch(t *testing.T) {
	seqr := &batchNames{}
	r := &Recorder{Sectors: 2, seq: seqr, logger: slog.New(slog.DiscardHandler)}
	at := time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)
	tick := tickBatch(at, false)
	var steps []mission.Step
	l := &outputs{r: r}
	out := func(s int, batch, after string, parts int, isTick bool) {
		var t time.Time
		if isTick {
			t = at
		}
		steps = append(steps, l.hold(s, batch, after, parts, t)...)
	}
	// A in sector 0; the tick in both, after A; B in sector 1, after the
	// tick. Sector 1's worker is through first.
	out(1, tick, "A", 2, true)
	out(1, "B", tick, 1, false)
	out(0, "A", "", 1, false)
	out(0, tick, "A", 2, true)
	if len(steps) != 3 || !steps[1].Tick.Equal(at) || steps[1].IfDue || !steps[0].Tick.IsZero() || !steps[2].Tick.IsZero() {
		t.Fatalf("steps %+v, want A, the tick to %v, B", steps, at)
	}
	if want := []string{"A", "B"}; !slices.Equal(seqr.order, want) {
		t.Errorf("batches numbered %v, want %v (a tick hands out no incident)", seqr.order, want)
	}
	steps = nil
	out(0, tick, "B", 2, true)
	out(1, tick, "B", 2, true)
	if len(steps) != 0 || len(r.waiting) != 0 {
		t.Errorf("the tick's parts again: %d steps, %d held; want none", len(steps), len(r.waiting))
	}
}
