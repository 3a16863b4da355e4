package main

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/pgtest"
)

// A data directory whose ledger records incidents, started on a store
// that holds none of their observations — another PostgreSQL database (a
// typo'd name that exists, a new one after a failed restore): the start
// is refused, saying that the store is not the ledger's and what to give
// it (exit 1). It served no incidents while the record held them, and the
// next batch's incidents would have taken the ids the record had given
// others.
func TestServeLedgerOnAnotherStore(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	first, other := pgtest.DB(t), pgtest.DB(t)
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	lines, _ := os.ReadFile(obs)
	few := bytes.Join(bytes.SplitN(lines, []byte("\n"), 4)[:3], []byte("\n"))
	data := t.TempDir()
	base, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--store", first)
	resp, err := http.Post(base+"/v1/observations", "application/x-ndjson", bytes.NewReader(few))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	if n := len(incidentsOf(t, base)); n == 0 {
		t.Fatal("no incidents: the test proves nothing")
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	out, errs, code, _ := runAccordCtx(t, 30*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", data, "--store", other)
	if code != 1 || strings.Contains(out, "accord serving on") || strings.Contains(errs, "this is a bug") {
		t.Fatalf("the ledger of one store started on another: exit %d, want 1:\n%s%s", code, out, errs)
	}
	for _, want := range []string{"the ledger in " + data + " and the store", "the ledger records", "holds no observation", "give --store the store this ledger was recorded with"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, errs)
		}
	}
	// The store it was recorded with still serves it.
	base, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--store", first)
	defer stop()
	if n := len(incidentsOf(t, base)); n == 0 {
		t.Error("its own store serves no incidents")
	}
}
