// Package monitortest holds the conformance suite every ObservationStore
// passes: the in-memory store now, the SQLite and PostgreSQL stores later.
package monitortest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// Observation returns a valid observation with the given source and id.
func Observation(source, id string) monitor.Observation {
	t := time.Date(2025, 6, 1, 4, 10, 0, 0, time.UTC)
	return monitor.Observation{ID: id, Source: monitor.Source{ID: source, Kind: monitor.KindSatellite, Owner: "cn"},
		Position: [2]float64{37.61, 48.02}, ObservedAt: t, ReportedAt: t.Add(15 * time.Minute), Event: "heavy_weapon",
		Equipment: "artillery", CaliberMM: 152, Count: 3, AttributedTo: monitor.Unknown, AccuracyM: 15, TimeAccuracyS: 1, Confidence: 0.9}
}

// RunObservationStoreTests runs the conformance suite against fresh stores.
func RunObservationStoreTests(t *testing.T, newStore func(t *testing.T) monitor.ObservationStore) {
	ctx := context.Background()
	t.Run("new, then an exact resend", func(t *testing.T) {
		s := newStore(t)
		a, b := Observation("s", "1"), Observation("s", "2")
		if added, dups, err := s.Put(ctx, []monitor.Observation{a, b, a}); err != nil || added != 2 || dups != 1 {
			t.Fatalf("Put: %d added, %d duplicates, %v; want 2, 1, nil", added, dups, err)
		}
		if added, dups, err := s.Put(ctx, []monitor.Observation{b}); err != nil || added != 0 || dups != 1 {
			t.Fatalf("resend: %d added, %d duplicates, %v; want 0, 1, nil", added, dups, err)
		}
		got, err := s.Get(ctx, b.Key())
		if err != nil || got.Digest() != b.Digest() {
			t.Fatalf("Get: %v, %v", got, err)
		}
		if n, _ := s.Len(ctx); n != 2 {
			t.Errorf("Len %d, want 2", n)
		}
	})
	t.Run("a conflicting resend refuses the whole batch", func(t *testing.T) {
		s := newStore(t)
		a := Observation("s", "1")
		if _, _, err := s.Put(ctx, []monitor.Observation{a}); err != nil {
			t.Fatal(err)
		}
		changed := a
		changed.Confidence = 0.5
		_, _, err := s.Put(ctx, []monitor.Observation{Observation("s", "2"), changed})
		if accord.ErrorCode(err) != accord.EINVALID {
			t.Fatalf("conflicting resend: %v, want EINVALID", err)
		}
		if n, _ := s.Len(ctx); n != 1 {
			t.Errorf("Len %d after a refused batch, want 1", n)
		}
		if _, err := s.Get(ctx, monitor.Key{Source: "s", ID: "2"}); accord.ErrorCode(err) != accord.ENOTFOUND {
			t.Errorf("a refused batch left an observation: %v", err)
		}
	})
	t.Run("a conflict inside one batch", func(t *testing.T) {
		s := newStore(t)
		a := Observation("s", "1")
		changed := a
		changed.Count = 4
		if _, _, err := s.Put(ctx, []monitor.Observation{a, changed}); accord.ErrorCode(err) != accord.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		if n, _ := s.Len(ctx); n != 0 {
			t.Errorf("Len %d, want 0", n)
		}
	})
	t.Run("concurrent puts store each key once", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					added, _, err := s.Put(ctx, []monitor.Observation{Observation("s", fmt.Sprint(i))})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					total += added
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if n, _ := s.Len(ctx); n != 50 || total != 50 {
			t.Errorf("Len %d, added %d in all; want 50 and 50", n, total)
		}
	})
}
