package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/sqlite"
)

// Seals are inserted many a statement: a put of several statements'
// worth, repeats within and across statements, stores each once, the
// first content kept; a seal that cannot be stored is named and nothing
// of the put is stored.
func TestPutSealedManyRows(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "accord.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewSealedStore(db)
	var put []accord.Sealed
	for i := range 150 {
		x, _ := accord.NewSealed([]byte(fmt.Sprintf(`{"n":%d}`, i)), fmt.Sprintf("v%d", i%7))
		put = append(put, x)
	}
	put = append(put, put[3], put[100])
	changed := put[70]
	changed.Content = []byte(`{"n":"changed"}`)
	put = append(put[:65:65], append([]accord.Sealed{put[2], changed}, put[65:]...)...)
	if err := s.PutSealed(ctx, put); err != nil {
		t.Fatal(err)
	}
	first := map[string]string{} // the content first put under each seal
	for _, x := range put {
		if _, ok := first[x.SHA256]; !ok {
			first[x.SHA256] = string(x.Content)
		}
	}
	if len(first) != 150 || first[changed.SHA256] != `{"n":"changed"}` {
		t.Fatalf("%d seals, the changed one first put as %s", len(first), first[changed.SHA256])
	}
	for sha, want := range first {
		if got, err := s.Sealed(ctx, sha); err != nil || string(got.Content) != want {
			t.Fatalf("seal %s: %+v %v, want %s", sha, got, err, want)
		}
	}
	if err := s.PutSealed(ctx, put[70:80]); err != nil { // stored already: left as they are
		t.Fatal(err)
	}
	if got, err := s.Sealed(ctx, changed.SHA256); err != nil || string(got.Content) != `{"n":"changed"}` {
		t.Fatalf("seal stored again: %+v %v", got, err)
	}

	var bad []accord.Sealed
	for i := range 100 {
		x, _ := accord.NewSealed([]byte(fmt.Sprintf(`{"m":%d}`, i)), "w")
		bad = append(bad, x)
	}
	bad[80].Salt = nil
	err = s.PutSealed(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "storing seal "+bad[80].SHA256+": ") || !strings.Contains(err.Error(), "NOT NULL") {
		t.Fatalf("a seal without salt: %v", err)
	}
	for _, x := range bad {
		if _, err := s.Sealed(ctx, x.SHA256); accord.ErrorCode(err) != accord.ENOTFOUND {
			t.Fatalf("seal %s of a refused put: %v", x.SHA256, err)
		}
	}
}

// BenchmarkPutSealed puts the seals of an ingested batch (about 58 for 500
// observations of the reference front), one durable transaction a put.
func BenchmarkPutSealed(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "accord.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewSealedStore(db)
	for i := 0; b.Loop(); i++ {
		put := make([]accord.Sealed, 58)
		for j := range put {
			put[j], _ = accord.NewSealed([]byte(fmt.Sprintf(`{"seq":%d,"at":"2025-06-01T04:00:00Z","what":"violation confirmed: notice to ru, response due by 2025-06-04T04:00:00Z"}`, i*58+j)), "v1")
		}
		if err := s.PutSealed(ctx, put); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*58), "ns/seal")
}
