package stream_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// onSectors is a stream deployment on n sectors.
func onSectors(t *testing.T, n int) *streamed {
	return &streamed{cfg: func(m *mission.Mission, c *stream.Config) { c.Sectors = split(t, m, n) }}
}

// idsDiffer counts the incidents of got whose member set is one of
// want's incidents' under another id, out of those whose member set both
// have.
func idsDiffer(t *testing.T, want, got state) (differ, both int) {
	t.Helper()
	wsets, _ := memberSets(want.incidents)
	gsets, _ := memberSets(got.incidents)
	shown := 0
	for set, w := range wsets {
		g, ok := gsets[set]
		if !ok {
			continue
		}
		both++
		if g.ID != w.ID {
			differ++
			if shown < 5 {
				shown++
				t.Logf("the embedded default's %s is %s on the stream", w.ID, g.ID)
			}
		}
	}
	return differ, both
}

// Two and three sectors on the stream give the recorded incidents the
// embedded default's ids: on the simulated front every incident the two
// make alike (member for member) under the same id (package sector's
// doc, "Global ids").
func TestGlobalIDsOnTheStream(t *testing.T) {
	lines := simulated(t, 12, 24*time.Hour, 15)
	want := embedded(t, lines, 250)
	for _, n := range []int{2, 3} {
		x, _ := open(t, t.TempDir(), onSectors(t, n))
		monitortest.PostLines(t, x.url, lines, 250)
		got := x.state(t)
		fusedOnce(t, x)
		x.close(t)
		differ, both := idsDiffer(t, want, got)
		t.Logf("%d sectors: %d incidents embedded, %d on the stream, %d of one member set in both, %d of them under another id", n, len(want.incidents), len(got.incidents), both, differ)
		if both == 0 || differ > 0 {
			t.Errorf("%d sectors: %d of %d incidents under another id than the embedded default's", n, differ, both)
		}
	}
}
