package ndjson_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/ndjson"
)

func TestStore(t *testing.T) {
	monitortest.RunObservationStoreTests(t, func(t *testing.T) monitor.ObservationStore {
		s, err := ndjson.Open(filepath.Join(t.TempDir(), "store.ndjson"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// What one Put stored is there when the file is opened again; a file that
// breaks the contract is refused.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.ndjson")
	s, err := ndjson.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := monitortest.Observation("s", "1"), monitortest.Observation("s", "2")
	if _, err := s.Put(ctx, []monitor.Observation{a, b}); err != nil {
		t.Fatal(err)
	}
	again, err := ndjson.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := again.Len(ctx); n != 2 {
		t.Fatalf("%d observations after reopening, want 2", n)
	}
	if r, err := again.Put(ctx, []monitor.Observation{b}); err != nil || r.Duplicates != 1 {
		t.Fatalf("resend after reopening: %+v, %v", r, err)
	}
	if err := os.WriteFile(path, []byte("{\"type\":\"Feature\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ndjson.Open(path); accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("a broken store file: %v, want EINVALID", err)
	}
}
