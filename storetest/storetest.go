// Package storetest holds the conformance suites of the sealed store
// (accord.SealedStore), of the mediation's confidential store and of the
// ingest nodes' outbox (accord.ObservationOutbox, outbox.go), run
// against SQLite (package sqlite) and PostgreSQL (package pgstore); those
// of the observation and incident stores are in monitor/monitortest.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/accord-peace/accord"
)

// ConfidentialStore is the mediation's confidential store (mediation.Store).
type ConfidentialStore interface {
	PutConfidential(ctx context.Context, commitment string, ciphertext []byte) error
	Confidential(ctx context.Context, commitment string) ([]byte, error)
}

// RunSealedStoreTests runs the conformance suite against fresh stores.
func RunSealedStoreTests(t *testing.T, newStore func(t *testing.T) accord.SealedStore) {
	ctx := context.Background()
	t.Run("stored once, read back, checked against its seal", func(t *testing.T) {
		s := newStore(t)
		a, _ := accord.NewSealed([]byte(`{"answer":"dispute","evidence":"radar logs"}`), "v1")
		b, _ := accord.NewSealed([]byte(`{"what":"notice to ru"}`), "v2")
		if err := s.PutSealed(ctx, []accord.Sealed{a, b, a}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSealed(ctx, nil); err != nil {
			t.Fatalf("an empty batch: %v", err)
		}
		// A seal stored again is left as it is.
		again := a
		again.Consultation = "v9"
		if err := s.PutSealed(ctx, []accord.Sealed{again}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []accord.Sealed{a, b} {
			got, err := s.Sealed(ctx, want.SHA256)
			if err != nil || got.Consultation != want.Consultation || string(got.Content) != string(want.Content) || !bytes.Equal(got.Salt, want.Salt) || got.Check() != nil {
				t.Errorf("%s: %+v %v", want.SHA256, got, err)
			}
		}
		if _, err := s.Sealed(ctx, "00"); accord.ErrorCode(err) != accord.ENOTFOUND {
			t.Errorf("unknown seal: %v, want ENOTFOUND", err)
		}
	})
	t.Run("concurrent puts of the same seals", func(t *testing.T) {
		s := newStore(t)
		var all []accord.Sealed
		for i := 0; i < 20; i++ {
			x, _ := accord.NewSealed([]byte(fmt.Sprintf(`{"n":%d}`, i)), "c")
			all = append(all, x)
		}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.PutSealed(ctx, all); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		for _, x := range all {
			if got, err := s.Sealed(ctx, x.SHA256); err != nil || got.Check() != nil {
				t.Errorf("%s: %v", x.SHA256, err)
			}
		}
	})
}

// RunConfidentialStoreTests runs the conformance suite against fresh
// stores.
func RunConfidentialStoreTests(t *testing.T, newStore func(t *testing.T) ConfidentialStore) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.PutConfidential(ctx, "c1", []byte("age ciphertext 1")); err != nil {
		t.Fatal(err)
	}
	// A commitment already stored is left as it is.
	if err := s.PutConfidential(ctx, "c1", []byte("another")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutConfidential(ctx, "c2", []byte{0, 1, 2, 255}); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Confidential(ctx, "c1"); err != nil || string(b) != "age ciphertext 1" {
		t.Errorf("c1: %q, %v", b, err)
	}
	if b, err := s.Confidential(ctx, "c2"); err != nil || !bytes.Equal(b, []byte{0, 1, 2, 255}) {
		t.Errorf("c2: %v, %v", b, err)
	}
	if _, err := s.Confidential(ctx, "c3"); accord.ErrorCode(err) != accord.ENOTFOUND {
		t.Errorf("unknown commitment: %v, want ENOTFOUND", err)
	}
}
