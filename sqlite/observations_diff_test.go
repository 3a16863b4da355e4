package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// Put and putThroughDatabaseSQL, the way it was done before, given the
// same batches (new keys, resends of stored ones and of earlier members,
// conflicting contents, empty batches, a cancelled caller), answer the
// same and store the same observations in the same order.
func TestPutAsThroughDatabaseSQL(t *testing.T) {
	ctx := context.Background()
	stores, paths := [2]*ObservationStore{}, [2]string{}
	for i := range stores {
		paths[i] = filepath.Join(t.TempDir(), "accord.db")
		db, err := Open(ctx, paths[i])
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		stores[i] = NewObservationStore(db)
	}
	r := rand.New(rand.NewPCG(1, 2))
	next, refused := 0, 0
	for round := range 300 {
		var batch []accord.Observation
		for range r.IntN(40) {
			var o accord.Observation
			switch k := r.IntN(1000); {
			case k < 700 || next == 0:
				o = monitortest.Observation(fmt.Sprint("s", r.IntN(5)), fmt.Sprint(next))
				next++
			case k < 995: // a resend, of a stored key or of one in this batch
				o = monitortest.Observation(fmt.Sprint("s", r.IntN(5)), fmt.Sprint(r.IntN(next)))
			default: // the same key with other content
				o = monitortest.Observation(fmt.Sprint("s", r.IntN(5)), fmt.Sprint(r.IntN(next)))
				o.Count = 4
			}
			batch = append(batch, o)
		}
		c := ctx
		if round%50 == 49 {
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			c = cancelled
		}
		got, gotErr := stores[0].Put(c, batch)
		want, wantErr := stores[1].putThroughDatabaseSQL(c, batch)
		e := [2]string{fmt.Sprint(gotErr), fmt.Sprint(wantErr)}
		for i := range e {
			e[i] = strings.ReplaceAll(e[i], paths[i], "accord.db")
		}
		if gotErr != nil {
			refused++
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || e[0] != e[1] {
			t.Fatalf("round %d: Put %+v, %v; before %+v, %v", round, got, gotErr, want, wantErr)
		}
	}
	var all [2][][32]byte
	for i, s := range stores {
		if err := s.All(ctx, func(o *accord.Observation) error { all[i] = append(all[i], o.Digest()); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(all[0]) != fmt.Sprint(all[1]) || len(all[0]) < 1000 || refused < 10 {
		t.Fatalf("stored: %d and %d observations, or not the same; %d batches refused", len(all[0]), len(all[1]), refused)
	}
}
