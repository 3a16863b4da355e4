// Package monitortest holds the conformance suites every ObservationStore
// and IncidentStore passes: the in-memory stores, SQLite (package sqlite)
// and PostgreSQL (package pgstore); package storetest holds those of the
// sealed and confidential stores.
package monitortest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
		if r, err := s.Put(ctx, []monitor.Observation{a, b, a}); err != nil || r.Added != 2 || r.Duplicates != 1 || fmt.Sprint(r.New) != "[true true false]" {
			t.Fatalf("Put: %+v, %v; want 2 added, 1 duplicate, new [true true false]", r, err)
		}
		if r, err := s.Put(ctx, []monitor.Observation{b}); err != nil || r.Added != 0 || r.Duplicates != 1 || fmt.Sprint(r.New) != "[false]" {
			t.Fatalf("resend: %+v, %v; want 0 added, 1 duplicate", r, err)
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
		if _, err := s.Put(ctx, []monitor.Observation{a}); err != nil {
			t.Fatal(err)
		}
		changed := a
		changed.Confidence = 0.5
		_, err := s.Put(ctx, []monitor.Observation{Observation("s", "2"), changed})
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
		if _, err := s.Put(ctx, []monitor.Observation{a, changed}); accord.ErrorCode(err) != accord.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		if n, _ := s.Len(ctx); n != 0 {
			t.Errorf("Len %d, want 0", n)
		}
	})
	t.Run("a refusal names every conflict, stored and in the batch, with its place", func(t *testing.T) {
		s := newStore(t)
		a, b := Observation("s", "1"), Observation("s", "2")
		if _, err := s.Put(ctx, []monitor.Observation{a, b}); err != nil {
			t.Fatal(err)
		}
		a2, b2, c, c2 := a, b, Observation("s", "3"), Observation("s", "3")
		a2.Confidence, b2.Confidence, c2.Count = 0.5, 0.4, 9
		_, err := s.Put(ctx, []monitor.Observation{Observation("s", "4"), b2, c, a, a2, c2})
		var got accord.Conflicts
		if !errors.As(err, &got) || accord.ErrorCode(err) != accord.EINVALID {
			t.Fatalf("got %v, want EINVALID wrapping accord.Conflicts", err)
		}
		want := accord.Conflicts{{Index: 1, Key: b.Key()}, {Index: 4, Key: a.Key()}, {Index: 5, Key: c.Key()}}
		if !slices.Equal(got, want) {
			t.Errorf("conflicts %+v, want %+v", got, want)
		}
		if msg := err.Error(); !strings.Contains(msg, "3 observations of the batch are already stored with different content") || !strings.Contains(msg, `(source "s", id "3") (observation 6)`) {
			t.Errorf("the message does not say them all: %s", msg)
		}
		if n, _ := s.Len(ctx); n != 2 {
			t.Errorf("Len %d after a refused batch, want 2", n)
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
					r, err := s.Put(ctx, []monitor.Observation{Observation("s", fmt.Sprint(i))})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					total += r.Added
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if n, _ := s.Len(ctx); n != 50 || total != 50 {
			t.Errorf("Len %d, added %d in all; want 50 and 50", n, total)
		}
	})
	t.Run("all in the order stored", func(t *testing.T) {
		s := newStore(t)
		var want []string
		for b := 0; b < 3; b++ {
			var batch []monitor.Observation
			for i := 0; i < 4; i++ {
				id := fmt.Sprint(20 - 4*b - i) // not in key order
				batch = append(batch, Observation("s", id))
				want = append(want, id)
			}
			if _, err := s.Put(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		if err := s.All(ctx, func(o *monitor.Observation) error { got = append(got, o.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("All gave %v, want %v", got, want)
		}
	})
	t.Run("a large batch: resends inside and across, order kept", func(t *testing.T) {
		s := newStore(t)
		var first []monitor.Observation
		for i := 0; i < 100; i++ {
			first = append(first, Observation("big", fmt.Sprint(1000-i)))
		}
		if _, err := s.Put(ctx, first); err != nil {
			t.Fatal(err)
		}
		// 300 more: every third a resend of the first batch, then each new
		// one sent twice in the batch.
		var batch []monitor.Observation
		var want []string
		var wantNew []bool
		for _, o := range first {
			want = append(want, o.ID)
		}
		for i := 0; i < 300; i++ {
			if i%3 == 0 {
				batch, wantNew = append(batch, first[i/3]), append(wantNew, false)
				continue
			}
			o := Observation("big", fmt.Sprint(5000-i))
			batch, wantNew = append(batch, o, o), append(wantNew, true, false)
			want = append(want, o.ID)
		}
		r, err := s.Put(ctx, batch)
		if err != nil || r.Added != 200 || r.Duplicates != 300 || fmt.Sprint(r.New) != fmt.Sprint(wantNew) {
			t.Fatalf("Put: added %d, duplicates %d, %v; want 200 and 300, and New[i] true for the first sending of each new key", r.Added, r.Duplicates, err)
		}
		var got []string
		if err := s.All(ctx, func(o *monitor.Observation) error { got = append(got, o.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("All after a large batch: %d observations, not in the order stored", len(got))
		}
		changed := first[50]
		changed.Count++
		var conflicting []monitor.Observation
		for i := 0; i < 70; i++ {
			conflicting = append(conflicting, Observation("big", fmt.Sprint(9000-i)))
		}
		if _, err := s.Put(ctx, append(conflicting, changed)); accord.ErrorCode(err) != accord.EINVALID {
			t.Errorf("a large batch with a conflict: %v, want EINVALID", err)
		}
		if n, _ := s.Len(ctx); n != 300 {
			t.Errorf("Len %d after a refused large batch, want 300", n)
		}
	})
}
