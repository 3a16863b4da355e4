package main

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// report daily --stretch-km counts incidents by stretches of that length:
// 0, a negative length or NaN is a wrong command line (exit 2, nothing
// written), not a report whose stretches read "km NaN– NaN" or
// "km 0005–0000 along the line".
func TestDailyReportRefusesABadStretch(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "2", "--duration", "2h")
	for _, km := range []string{"0", "-5", "NaN", "+Inf"} {
		out := filepath.Join(t.TempDir(), "r.html")
		_, errs, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-01", "--out", out, "--stretch-km", km)
		if code != exitUsage || !strings.Contains(errs, "--stretch-km") {
			t.Errorf("--stretch-km %s: exit %d, stderr %q; want exit 2 naming --stretch-km", km, code, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--stretch-km %s: the report was written", km)
		}
	}
}

// demo --war feeds the simulator's front; --seed is "the same seed tells
// the same story", and the front it feeds is accord simulate's with the
// same seed, rate and duration (one path: the demo and the CLI run the same
// simulation). The front took the wall clock as its seed, whatever --seed.
func TestDemoWarTakesTheSeed(t *testing.T) {
	fronts := map[string]bool{}
	re := regexp.MustCompile(`simulating 30m0s: (\d+) observations of (\d+) true events`)
	for range 2 {
		out, errs, code := runAccord(t, "demo", "--war", "--seed", "5", "--duration", "30m", "--speed", "1e6", "--exit",
			"--agreement", "reference", "--addr", "127.0.0.1:0", "--data", t.TempDir())
		m := re.FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("demo --war: exit %d\n%s\n%s", code, out, errs)
		}
		fronts[m[1]+"/"+m[2]] = true
	}
	obs, truth := simulateTo(t, "--seed", "5", "--duration", "30m", "--rate", "200")
	ob, _ := os.ReadFile(obs)
	tb, _ := os.ReadFile(truth)
	cli := strings.Join([]string{itoa(bytes.Count(ob, []byte{'\n'})), itoa(bytes.Count(tb, []byte{'\n'}))}, "/")
	if len(fronts) != 1 || !fronts[cli] {
		t.Errorf("demo --war --seed 5 fed %v (observations/true events); accord simulate --seed 5 --rate 200 --duration 30m writes %s", fronts, cli)
	}
}

// A demo --exit stopped by Ctrl-C before its story (or its front) is told
// did not do its job: exit 130 with "interrupted", as the README says of
// every command, not 0 as if the story had been told.
func TestDemoInterruptedBeforeTheEnd(t *testing.T) {
	for _, args := range [][]string{
		{"--skip-negotiation", "--agreement", "reference"},
		{"--war", "--agreement", "reference"},
	} {
		args = append([]string{"demo", "--exit", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)
		out, errs, code, _ := runAccordCtx(t, 3*time.Second, args...)
		if code != exitInterrupted || !strings.Contains(errs, "accord: interrupted: ") {
			t.Errorf("%s, Ctrl-C after 3 s: exit %d, stderr %q; want %d and interrupted\nstdout:\n%s", strings.Join(args, " "), code, errs, exitInterrupted, out)
		}
	}
}

// An NDJSON file saved with a UTF-8 byte-order mark (Notepad, a
// spreadsheet's "UTF-8" export) reads as the plain one, as the CSV exports
// already do, on the CLI's path and the server's alike: it was refused
// whole with "invalid character 'ï'".
func TestObservationsWithAByteOrderMark(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "30m")
	plain, _ := os.ReadFile(obs)
	bom := filepath.Join(t.TempDir(), "bom.ndjson")
	os.WriteFile(bom, append([]byte("\ufeff"), plain...), 0o644)
	want, _, code := runAccord(t, "monitor", "run", "reference", obs, "--json")
	if code != 0 {
		t.Fatal("monitor run of the plain file failed")
	}
	got, errs, code := runAccord(t, "monitor", "run", "reference", bom, "--json")
	if code != 0 || got != want {
		t.Errorf("monitor run of the file with a BOM: exit %d, %s; want the plain file's %d bytes", code, errs, len(want))
	}
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(append([]byte("\ufeff"), plain...)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("POST of the body with a BOM: %s %.300s", resp.Status, b.String())
	}
}

// A batch sent with Content-Encoding: gzip is either decoded or refused as
// such (415, naming the encoding): the server read the compressed bytes as
// NDJSON and answered "25 bad line(s)" of "invalid character '\x1f'".
func TestServeSaysWhatItDoesWithAContentEncoding(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "30m")
	plain, _ := os.ReadFile(obs)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(plain)
	w.Close()
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()
	req, _ := http.NewRequest("POST", url+"/v1/observations", &gz)
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	ok := resp.StatusCode == http.StatusOK ||
		resp.StatusCode == http.StatusUnsupportedMediaType && strings.Contains(b.String(), "gzip")
	if !ok {
		t.Errorf("POST with Content-Encoding: gzip: %s %.300s; want it decoded, or 415 naming the encoding", resp.Status, b.String())
	}
}
