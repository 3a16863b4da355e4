package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/sqlite"
)

// Sealed content is kept across a reopen, checked against its seal, stored
// once, and a seal never stored is ENOTFOUND.
func TestSealedStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := accord.NewSealed([]byte(`{"answer":"dispute","evidence":"radar logs"}`), "v1")
	b, _ := accord.NewSealed([]byte(`{"what":"notice to ru"}`), "v2")
	s := sqlite.NewSealedStore(db)
	if err := s.PutSealed(ctx, []accord.Sealed{a, b, a}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s = sqlite.NewSealedStore(db)
	for _, want := range []accord.Sealed{a, b} {
		got, err := s.Sealed(ctx, want.SHA256)
		if err != nil || got.Consultation != want.Consultation || string(got.Content) != string(want.Content) || got.Check() != nil {
			t.Errorf("%s: %+v %v", want.SHA256, got, err)
		}
	}
	if _, err := s.Sealed(ctx, "00"); accord.ErrorCode(err) != accord.ENOTFOUND {
		t.Errorf("unknown seal: %v", err)
	}
	// Content changed after sealing no longer opens its seal.
	c := a
	c.Content = []byte(`{"answer":"accept"}`)
	if c.Check() == nil {
		t.Error("changed content checks against the seal")
	}
}
