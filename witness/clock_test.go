package witness_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/witness"
)

// A tick without data (POST /v1/clock) is part of the record the parties'
// witnesses replay: after the ceasefire's deadline passed with no
// observation, the witnesses — one that followed the record before the
// tick, one new — replay the tick and reach the server's own state, the
// ceasefire overdue, and cosign.
func TestWitnessReplaysATickWithoutData(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	d, err := local.Open(ctx, local.Config{Dir: t.TempDir(), Agreement: w.as[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := api.NewServer(d.Mission)
	s.Record = &api.Record{Ledger: d.Ledger, Origin: origin, Signer: w.logSigner, Witnesses: w.wKeys}
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	w.current.Store(mux)

	o := monitortest.Observation("sat-un", "1")
	if _, err := d.Ingest(ctx, []monitor.Observation{o}, nil); err != nil {
		t.Fatal(err)
	}
	ws := w.witnesses()
	if _, errs := round(ws[:1]); errs[0] != nil {
		t.Fatal(errs[0])
	}
	st, _ := d.State()
	var due time.Time
	for _, p := range st.Provisions {
		if p.ID == "ceasefire" && p.Due != nil {
			due = *p.Due
		}
	}
	if due.IsZero() {
		t.Fatal("the ceasefire has no deadline after the first batch")
	}
	resp, err := http.Post(w.srv.URL+"/v1/clock", "application/json", strings.NewReader(`{"at":"`+due.Add(24*time.Hour).Format(time.RFC3339)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v1/clock: %d", resp.StatusCode)
	}
	st, _ = d.State()
	if st.Provisions[0].ID != "ceasefire" || st.Provisions[0].Status != engine.Overdue {
		t.Fatalf("after the tick: %+v, want the ceasefire overdue", st.Provisions[0])
	}
	evs, errs := round(ws)
	for i := range ws {
		if errs[i] != nil {
			t.Fatalf("witness %d: %v", i, errs[i])
		}
		var verified *witness.Event
		for k := range evs[i] {
			if evs[i][k].Event == "verified" {
				verified = &evs[i][k]
			}
		}
		if verified == nil || verified.Size != d.Ledger.Len() || verified.States[w.as[0].ID] != st.Hash() {
			t.Errorf("witness %d: %+v, want the record of %d entries verified, the server's state %s replayed", i, evs[i], d.Ledger.Len(), st.Hash())
		}
	}
	w.cosignedBy(d.Ledger.Len())
}
