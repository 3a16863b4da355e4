package main

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// A party's node in the serve process: 'serve --role witness', configured
// by a file and the environment, follows a real mission server as batches
// arrive, cosigns each checkpoint, and serves its state (GET /v1/witness)
// and metrics; restarted, it starts where it stopped. A node given another
// log key refuses every checkpoint, and says so in its state and metrics.
// Without the flags the role needs, serve does not start.
func TestServeRoleWitness(t *testing.T) {
	dir := t.TempDir()
	keyFile := map[string]string{}
	var vkeys []string
	for _, n := range []string{"ua-witness", "ru-witness"} {
		skey, vkey, err := note.GenerateKey(rand.Reader, n)
		if err != nil {
			t.Fatal(err)
		}
		keyFile[n] = filepath.Join(dir, n+".key")
		os.WriteFile(keyFile[n], []byte(skey+"\n"), 0o600)
		vkeys = append(vkeys, vkey)
	}
	mission := func(addr string) (string, func() int, *syncBuffer) {
		return startAccord(t, "serve", "--addr", addr, "--data", filepath.Join(dir, "mission"), "--scenario", "none",
			"--witness-key", vkeys[0], "--witness-key", vkeys[1])
	}
	url, stop, out := mission("127.0.0.1:0")
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	logKey := regexp.MustCompile(`log key (\S+)\)`).FindStringSubmatch(out.String())
	if logKey == nil {
		t.Fatalf("no log key printed: %s", out.String())
	}

	// The Ukrainian party's node: from a file and the environment.
	cfg := filepath.Join(dir, "ua-witness.yaml")
	os.WriteFile(cfg, []byte("role: witness\nwitness-server: "+url+"\nwitness-log-key: "+logKey[1]+"\nkey: "+keyFile["ua-witness"]+"\ndata: "+filepath.Join(dir, "ua")+"\n"), 0o644)
	t.Setenv("ACCORD_WITNESS_EVERY", "100ms")
	ua, stopUA, uaOut := startAccord(t, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	if !strings.Contains(uaOut.String(), "accord witness ua-witness serving its state on "+ua+"/v1/witness (following "+url) {
		t.Fatalf("the node's first line: %s", uaOut.String())
	}
	// The Russian party's node, given another log key: it refuses.
	_, other, _ := note.GenerateKey(rand.Reader, strings.Split(logKey[1], "+")[0])
	ru, stopRU, _ := startAccord(t, "serve", "--role", "witness", "--witness-server", url, "--witness-log-key", other,
		"--key", keyFile["ru-witness"], "--data", filepath.Join(dir, "ru"), "--addr", "127.0.0.1:0")
	defer stopRU()

	// Four batches: a simulated network's observations in quarters.
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "2h")
	b, _ := os.ReadFile(obs)
	lines := strings.SplitAfter(strings.TrimSpace(string(b)), "\n")
	post := func(i int) {
		body := strings.Join(lines[i*len(lines)/4:(i+1)*len(lines)/4], "")
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("batch %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	for i := range 2 {
		post(i)
		size := checkpointSize(t, url)
		st := awaitWitness(t, ua, func(st witnessState) bool { return st.Cosigned.Size == size })
		if st.Following != "feed" || st.EntriesVerified != size || len(st.Agreements) != 1 || len(st.States) != 1 || st.States[st.Agreements[0]] == "" || st.PartialAt != nil ||
			!strings.Contains(st.Cosigned.Checkpoint, "— ua-witness ") || len(st.Cosigned.Witnesses) != 1 || st.Refusals != 0 {
			t.Fatalf("batch %d: the node's state %+v, want %d entries verified, the engine's state and the checkpoint cosigned", i, st, size)
		}
		t.Logf("batch %d: %d entries cosigned, states %v", i, size, st.States)
		m := scrape(t, ua)
		for name, want := range map[string]int64{"accord_witness_verified_entries": size, "accord_witness_cosigned_size": size, "accord_witness_refusals_total": 0} {
			if m[name] != want {
				t.Fatalf("batch %d: %s %d, want %d", i, name, m[name], want)
			}
		}
	}
	size := checkpointSize(t, url)
	resp, _ := http.Get(url + "/v1/checkpoint")
	cp, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(cp), "— ua-witness ") || strings.Contains(string(cp), "— ru-witness ") {
		t.Fatalf("the server's checkpoint, want ua-witness's cosignature and not ru-witness's:\n%s", cp)
	}

	st := awaitWitness(t, ru, func(st witnessState) bool { return st.Refusals > 0 })
	if st.Cosigned.Size != 0 || st.LastRefusal == nil || !strings.Contains(st.LastRefusal.Reason, "not signed by the log's key") {
		t.Fatalf("the node with another log key: %+v, want a refusal", st)
	}
	if m := scrape(t, ru); m["accord_witness_refusals_total"] < 1 || m["accord_witness_cosigned_size"] != 0 {
		t.Fatalf("the node with another log key: metrics %v", m)
	}

	// Restarted, the node starts where it stopped.
	if code := stopUA(); code != 0 {
		t.Fatalf("the node stopped with %d: %s", code, uaOut.String())
	}
	ua, stopUA, uaOut = startAccord(t, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	defer stopUA()
	if !strings.Contains(uaOut.String(), "last cosigned "+strconv.FormatInt(size, 10)+" entries") {
		t.Fatalf("restarted: %s", uaOut.String())
	}
	post(2)
	size = checkpointSize(t, url)
	awaitWitness(t, ua, func(st witnessState) bool { return st.Cosigned.Size == size && st.EntriesVerified == size })

	// The mission server restarts on its address: the node reconnects to
	// its feed and cosigns the next batch.
	stopped = true
	if code := stop(); code != 0 {
		t.Fatalf("the mission server, followed by two witnesses, stopped with %d", code)
	}
	stopped = false
	url, stop, _ = mission(strings.TrimPrefix(url, "http://"))
	awaitWitness(t, ua, func(st witnessState) bool { return st.LastError != nil })    // the feed dropped
	awaitWitness(t, ua, func(st witnessState) bool { return st.Following == "feed" }) // and is back
	post(3)
	size = checkpointSize(t, url)
	st = awaitWitness(t, ua, func(st witnessState) bool { return st.Cosigned.Size == size })
	t.Logf("after the mission server's restart: %d entries cosigned; the last error seen: %s", size, st.LastError.Error)
	if m := scrape(t, ua); m["accord_witness_errors_total"] < 1 {
		t.Fatalf("the feed's drop is not counted: %v", m)
	}

	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"serve", "--role", "witness", "--data", filepath.Join(dir, "x")}, "--role witness: --witness-server, --witness-log-key and --key are required"},
		{[]string{"serve", "--role", "archivist", "--data", filepath.Join(dir, "x")}, `--role "archivist": want`},
	} {
		_, errs, code := runAccord(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d: %s; want 2 and %q", tt.args, code, errs, tt.msg)
		}
	}
}

// checkpointSize is the size of a server's checkpoint.
func checkpointSize(t *testing.T, url string) int64 {
	t.Helper()
	resp, err := http.Get(url + "/v1/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	lines := strings.Split(string(b), "\n")
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		t.Fatalf("a checkpoint without a size: %s", b)
	}
	return n
}

// awaitWitness reads a witness node's state until ok accepts it; it fails
// after a minute (a failure, not a measure).
func awaitWitness(t *testing.T, url string, ok func(witnessState) bool) witnessState {
	t.Helper()
	var st witnessState
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		st = witnessState{}
		getJSON(t, url+"/v1/witness", 200, &st)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(st)
			t.Fatalf("the witness node's state after a minute: %s", b)
		}
	}
}

// scrape reads a node's metrics without labels.
func scrape(t *testing.T, url string) map[string]int64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := map[string]int64{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && !strings.HasPrefix(l, "#") {
			v, _ := strconv.ParseFloat(f[1], 64)
			m[f[0]] = int64(v)
		}
	}
	return m
}
