package mission_test

import (
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/benchdata"

	"github.com/accord-peace/accord/mission"
)

// Every batch Ingest records is told to the stage watcher once, with a
// time for each stage, and concurrent batches' times add up to no more
// than the wall time they all took; once the watcher is removed, nothing
// is told.
func TestWatchStages(t *testing.T) {
	d := openDurable(t, t.TempDir())
	var mu sync.Mutex
	var got []mission.StageTimes
	d.WatchStages(func(st mission.StageTimes) {
		mu.Lock()
		got = append(got, st)
		mu.Unlock()
	})
	a, k := mustReference(t)
	lines, err := benchdata.Lines(a, k, 2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := time.Now()
	batches := 0
	for i := 0; i < len(lines); i += 200 {
		batches++
		wg.Add(1)
		go func(part [][]byte) {
			defer wg.Done()
			d.ingestLines(t, part, len(part))
		}(lines[i:min(i+200, len(lines))])
	}
	wg.Wait()
	wall := time.Since(start)
	if len(got) != batches {
		t.Fatalf("%d batches told, want %d", len(got), batches)
	}
	for i, st := range got {
		var sum time.Duration
		for s := range mission.Stages {
			if st.Work[s] <= 0 || st.Wait[s] < 0 {
				t.Fatalf("batch %d: stage %s: waited %v, worked %v", i, mission.Stages[s], st.Wait[s], st.Work[s])
			}
			sum += st.Wait[s] + st.Work[s]
		}
		if sum > wall {
			t.Fatalf("batch %d: %v in the stages, more than the %v all batches took", i, sum, wall)
		}
	}
	d.WatchStages(nil)
	d.ingestLines(t, lines[:10], 10)
	if len(got) != batches {
		t.Fatalf("told after WatchStages(nil)")
	}
}
