package pgstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/pgstore"
	"github.com/accord-peace/accord/sqlite"
)

// BenchmarkPut stores batches of new observations, durably, on SQLite and
// on a durable PostgreSQL (fsync and synchronous commit on, its own
// cluster), in the same run:
// go test -run '^$' -bench Put -benchtime 20x ./pgstore
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{32, 1000} {
		b.Run(fmt.Sprintf("sqlite/batch=%d", size), func(b *testing.B) {
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "accord.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			put(b, sqlite.NewObservationStore(db), size)
		})
		b.Run(fmt.Sprintf("postgres/batch=%d", size), func(b *testing.B) {
			bin, err := pgtest.FindBin()
			if err != nil {
				b.Skip(err)
			}
			srv, err := pgtest.Start(bin, pgtest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Stop()
			db, err := pgstore.Open(ctx, srv.URL("postgres"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			put(b, pgstore.NewObservationStore(db), size)
		})
	}
}

func put(b *testing.B, s monitor.ObservationStore, size int) {
	ctx := context.Background()
	batches := make([][]monitor.Observation, b.N)
	for i := range batches {
		for j := 0; j < size; j++ {
			batches[i] = append(batches[i], monitortest.Observation("bench", fmt.Sprintf("%d-%d", i, j)))
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := s.Put(ctx, batches[i]); err != nil || r.Added != size {
			b.Fatal(r.Added, err)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "obs/s")
}
