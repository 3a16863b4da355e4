package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sqlite"
)

// Batches of 500 new observations, as the server's benchmark sends them.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "accord.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewObservationStore(db)
	n := 0
	for b.Loop() {
		batch := make([]monitor.Observation, 500)
		for i := range batch {
			batch[i] = monitortest.Observation("s", fmt.Sprint(n))
			n++
		}
		if _, err := s.Put(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/observation")
}
