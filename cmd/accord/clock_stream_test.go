package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
)

// agreementWhen polls GET /v1/agreement until ok says the view is what
// the test waits for (a stream node records after it answers), or fails.
func agreementWhen(t *testing.T, url, what string, ok func(api.AgreementView) bool) api.AgreementView {
	t.Helper()
	var v api.AgreementView
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		getJSON(t, url+"/v1/agreement", 200, &v)
		if ok(v) {
			return v
		}
	}
	t.Fatalf("GET /v1/agreement never showed %s: now %v, %+v", what, v.Now, v.Provisions)
	return v
}

// accord clock tick on a stream node (serve --stream embedded, two
// sectors): the tick is published through the node's ingest and the
// command says so; the recorder then moves the clock past the
// ceasefire's deadline, the agreement's view shows it overdue, and a
// restart restores the same state from the record. serve --tick-every on
// a stream node of role all records the ceasefire overdue by itself; on
// another role it is refused (exit 2, saying where it runs).
func TestClockTickOnAStreamNode(t *testing.T) {
	data := t.TempDir()
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none", "--stream", "embedded", "--partitions", "2")
	postSimulated(t, url, "", "4", "1h")
	v := agreementWhen(t, url, "the ceasefire pending, due", func(v api.AgreementView) bool {
		return v.InForce != nil && len(v.Provisions) > 0 && v.Provisions[0].Due != nil
	})
	at := v.Provisions[0].Due.Add(24 * time.Hour).Format(time.RFC3339)
	for range 2 { // sent again: kept once
		out, errs, code := runAccord(t, "clock", "tick", "--at", at, "--server", url)
		if code != 0 || !strings.Contains(out, "tick to "+at+" is published to the stream") {
			t.Fatalf("clock tick --at %s on a stream node: exit %d\n%s%s\nwant the tick published", at, code, out, errs)
		}
	}
	v = agreementWhen(t, url, "the ceasefire overdue at "+at, func(v api.AgreementView) bool {
		return v.Provisions[0].Status == "overdue" && v.Now.Format(time.RFC3339) == at
	})
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none", "--stream", "embedded", "--partitions", "2")
	var after api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &after)
	if after.Hash != v.Hash || after.Provisions[0].Status != "overdue" {
		t.Errorf("after a restart: ceasefire %s, state %s; want overdue, %s", after.Provisions[0].Status, after.Hash, v.Hash)
	}
	stop()

	// --tick-every on the stream node: one report two days old, no more
	// data.
	observed := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[34.5863,47.5119]},"properties":{"id":"1","source":{"id":"sat-un","kind":"satellite","owner":"un"},"observed_at":"` +
		observed.Format(time.RFC3339) + `","reported_at":"` + observed.Add(time.Minute).Format(time.RFC3339) + `","event":"strike","attributed_to":"unknown","accuracy_m":15,"confidence":0.9}}` + "\n"
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--scenario", "none", "--stream", "embedded", "--partitions", "2", "--tick-every", "20ms")
	defer stop()
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("batch: %d", resp.StatusCode)
	}
	agreementWhen(t, url, "the ceasefire overdue by --tick-every", func(v api.AgreementView) bool {
		return len(v.Provisions) > 0 && v.Provisions[0].Status == "overdue"
	})

	if _, errs, code := runAccord(t, "serve", "--tick-every", "1m", "--stream", "nats://127.0.0.1:4222", "--role", "recorder", "--data", t.TempDir()); code != 2 || !strings.Contains(errs, "--tick-every with --role recorder") {
		t.Errorf("serve --tick-every --role recorder: exit %d %s, want 2 saying where it runs", code, errs)
	}
}
