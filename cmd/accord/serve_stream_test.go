package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor"
)

// getStreamJSON reads a JSON answer.
func getStreamJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// served is what a server holds: its incidents, its agreement state and
// its ledger's length.
func served(t *testing.T, url string) string {
	t.Helper()
	var all []monitor.Incident
	after := ""
	for {
		var p monitor.IncidentPage
		getStreamJSON(t, url+"/v1/incidents?limit=1000&after="+after, &p)
		all = append(all, p.Incidents...)
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	var ag, cp json.RawMessage
	getStreamJSON(t, url+"/v1/agreement", &ag)
	resp, err := http.Get(url + "/v1/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cp = b
	size := strings.SplitN(string(cp), "\n", 3)[1] // the checkpoint's tree size
	ins, _ := json.Marshal(all)
	return string(ins) + "\n" + string(ag) + "\nledger size " + size
}

// postBatches posts an NDJSON file in batches of n lines.
func postBatches(t *testing.T, url string, body []byte, n int) {
	t.Helper()
	lines := bytes.SplitAfter(bytes.TrimSpace(body), []byte("\n"))
	for i := 0; i < len(lines); i += n {
		b := bytes.Join(lines[i:min(i+n, len(lines))], nil)
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(append(bytes.TrimRight(b, "\n"), '\n')))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("batch at line %d: %s %s", i, resp.Status, msg)
		}
	}
}

// converges waits until the stream server holds what the embedded one
// holds (the stream server fuses and records after answering); it fails
// with the difference after a minute.
func converges(t *testing.T, want, url string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got := served(t, url)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Fatalf("the stream server differs from the embedded default at byte %d:\n embedded …%.300s\n stream   …%.300s", i, want[max(0, i-100):], got[max(0, i-100):])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accord serve --stream embedded: the same observations over HTTP give
// what the embedded default gives (incidents, agreement state, ledger
// size), the stream's metrics are served, and after a restart on the same
// data directory nothing is lost or doubled.
func TestServeStreamEmbedded(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "12h")
	body, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	plain, stopPlain, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	postBatches(t, plain, body, 400)
	want := served(t, plain)
	stopPlain()

	data := t.TempDir()
	url, stop, out := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--stream", "embedded")
	half := bytes.Count(body, []byte("\n")) / 2 / 400 * 400
	lines := bytes.SplitAfter(body, []byte("\n"))
	postBatches(t, url, bytes.Join(lines[:half], nil), 400)
	if code := stop(); code != 0 {
		t.Fatalf("serve --stream embedded exited %d: %s", code, out.String())
	}
	url, stop, out = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--stream", "embedded")
	defer stop()
	postBatches(t, url, bytes.Join(lines[half:], nil), 400)
	converges(t, want, url)
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, re := range []string{`accord_stream_published_total\{stream="ACCORD_OBS"\} [1-9]`, `accord_stream_published_total\{stream="ACCORD_FUSED"\} [1-9]`,
		`accord_stream_pending\{consumer="recorder"\} 0`, `accord_stream_reconnects_total 0`, `accord_stream_redelivered_total`} {
		if !regexp.MustCompile(re).Match(mb) {
			t.Errorf("/metrics lacks %s", re)
		}
	}
	t.Logf("%s", strings.TrimSpace(out.String()))
}

// serve --stream with NATS unreachable refuses to start, naming the URL,
// the host:port and what to check; config check --connect says the same;
// the stream flags that cannot work together are refused as usage errors,
// and a password in --stream never shows.
func TestServeStreamUnreachable(t *testing.T) {
	_, errOut, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--stream", "nats://127.0.0.1:1")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, w := range []string{"cannot connect to NATS at nats://127.0.0.1:1 (127.0.0.1:1)", "nats-server", "--stream embedded"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("serve: the error does not say %q: %s", w, errOut)
		}
	}
	_, errOut, code = runAccord(t, "config", "check", "--connect", "--data", t.TempDir(), "--stream", "nats://127.0.0.1:1")
	if code != 1 || !strings.Contains(errOut, "cannot connect to NATS at nats://127.0.0.1:1") {
		t.Errorf("config check --connect: exit %d: %s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "--role", "worker"}, 2, "--role worker needs --stream"},
		{[]string{"serve", "--partitions", "3"}, 2, "--partitions 3 needs --stream"},
		{[]string{"serve", "--stream", "embedded", "--role", "ingest"}, 2, "an embedded server serves one process"},
		{[]string{"serve", "--stream", "http://127.0.0.1:4222"}, 2, "want embedded or nats://HOST:PORT"},
		{[]string{"serve", "--stream", "embedded", "--role", "gateway"}, 2, `--role "gateway": want all, ingest, worker, recorder or witness`},
		{[]string{"config", "check", "--stream", "embedded", "--partitions", "3"}, 0, "configuration valid"},
		{[]string{"config", "check", "--stream", "nats://127.0.0.1:4222", "--role", "ingest", "--region", "east"}, 0, "configuration valid"},
		{[]string{"config", "check", "--stream", "nats://127.0.0.1:4222", "--source-region", "east", "--source-region", "west@dom-w"}, 0, "configuration valid"},
		{[]string{"serve", "--stream", "embedded", "--region", "east"}, 2, "a regional node is an ingest node (--role ingest)"},
		{[]string{"serve", "--stream", "nats://127.0.0.1:4222", "--role", "ingest", "--region", "a.b"}, 2, "ASCII letters, digits, - or _"},
		{[]string{"serve", "--stream", "nats://127.0.0.1:4222", "--role", "worker", "--source-region", "east"}, 2, "--source-region with --role worker"},
		{[]string{"config", "check", "--stream", "nats://u:secret@127.0.0.1:4222", "--role", "worker"}, 0, "nats://u:xxxxx@127.0.0.1:4222"},
		{[]string{"config", "check", "--stream", "nats://127.0.0.1:4222", "--role", "ingest", "--node", "ingest-1.eu"}, 0, "configuration valid"},
		{[]string{"serve", "--stream", "nats://127.0.0.1:4222", "--role", "ingest", "--node", "ingest 1"}, 2, `--node "ingest 1": want the ingest node's name`},
		{[]string{"serve", "--stream", "embedded", "--lease-ttl", "100ms"}, 2, "--lease-ttl 100ms: want 1s to 10m"},
		{[]string{"config", "check", "--stream", "nats://127.0.0.1:4222", "--role", "worker", "--lease-ttl", "30s"}, 0, "configuration valid"},
		{[]string{"config", "check", "--stream", "embedded", "--partitions", "3", "--part-wait", "10s"}, 0, "configuration valid"},
		{[]string{"serve", "--stream", "embedded", "--part-wait", "2h"}, 2, "--part-wait 2h0m0s: want 1s to 1h"},
	} {
		out, errOut, code := runAccord(t, append(tc.args, "--data", t.TempDir())...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, want %d and %q: %s%s", tc.args, code, tc.code, tc.want, out, errOut)
		}
		if strings.Contains(out+errOut, "secret") {
			t.Errorf("%v: the password shows: %s%s", tc.args, out, errOut)
		}
	}
}
