package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord/mission"
)

// syncBuffer is a buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startAccord runs a long-running command in-process and returns the URL it
// prints, a stop function and where its output goes.
func startAccord(t *testing.T, args ...string) (url string, stop func() int, out *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	errb := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, out, errb) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(60 * time.Second)
	for url == "" {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no URL printed: %s %s", out.String(), errb.String())
		}
		select {
		case code := <-done:
			t.Fatalf("exited %d before serving: %s %s", code, out.String(), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
		url = re.FindString(out.String())
	}
	return url, func() int { cancel(); return <-done }, out
}

func TestServeIngestFeedVerifyRestart(t *testing.T) {
	data := t.TempDir()
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	body, _ := os.ReadFile(obs)
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	metrics, _ := http.Get(url + "/metrics")
	mb, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	if !regexp.MustCompile(`accord_observations_total\{outcome="added"\} [1-9]`).Match(mb) || !strings.Contains(string(mb), "accord_incidents_open") {
		t.Errorf("metrics:\n%.600s", mb)
	}
	// The batch's time in each of the mission's stages.
	for _, stage := range mission.Stages {
		for _, phase := range []string{"wait", "work"} {
			if !regexp.MustCompile(`accord_stage_seconds_count\{phase="` + phase + `",stage="` + stage + `"\} 1\n`).Match(mb) {
				t.Errorf("no accord_stage_seconds of the batch's %s in stage %s:\n%s", phase, stage, regexp.MustCompile(`(?m)^accord_stage.*$`).FindAll(mb, -1))
			}
		}
	}
	page, _ := http.Get(url + "/")
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(html), "EventSource") {
		t.Error("the live page is missing")
	}
	// The feed resumes after a given entry: the next event's id is larger.
	req, _ := http.NewRequest("GET", url+"/v1/feed", nil)
	req.Header.Set("Last-Event-ID", "3")
	fr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(fr.Body)
	var first string
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "id: ") {
			first = strings.TrimPrefix(sc.Text(), "id: ")
			break
		}
	}
	fr.Body.Close()
	if first != "4" {
		t.Errorf("first event after Last-Event-ID 3: %q, want 4", first)
	}
	// A third party verifies the running server's record.
	cp, _ := http.Get(url + "/v1/checkpoint")
	cpb, _ := io.ReadAll(cp.Body)
	cp.Body.Close()
	os.WriteFile(filepath.Join(data, "checkpoint"), cpb, 0o644)
	out, errOut, code := runAccord(t, "verify", url, "--checkpoint", filepath.Join(data, "checkpoint"), "--log-key", filepath.Join(data, "log.pub"))
	if code != 0 || !strings.Contains(out, "entries verified") {
		t.Errorf("verify the server: exit %d %s %s", code, out, errOut)
	}
	// The agreement engine ran behind the pipeline: the parties signed at
	// the first observation and confirmed violations opened consultations.
	if m := regexp.MustCompile(`(\d+) events replayed`).FindStringSubmatch(out); m == nil || m[1] == "0" || m[1] == "1" || m[1] == "2" || !strings.Contains(out, "CONSULTATION") {
		t.Errorf("no consultation in the verified record:\n%s", out)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	// Restarted on the same data, it has every observation back.
	_, stop, out2 := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	defer stop()
	if !regexp.MustCompile(`[1-9]\d* observations restored`).MatchString(out2.String()) {
		t.Errorf("restart: %s", out2.String())
	}
}

func TestDemoRunsToTheEnd(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"the story without the negotiation", []string{"--speed", "1e7", "--skip-negotiation"}, []string{"the story is told"}},
		{"the front", []string{"--war", "--duration", "30m", "--speed", "7200"}, []string{"simulation done"}},
		{"the story", []string{"--speed", "1e7"}, []string{"the mediator tables proposal us-28-points", "concluded in round 2", "the package compiled to the agreement draft ukraine-2025-agreement", "18 provisions, for [us ru ua eu] to sign", "every party signed: the agreement is in force", "phase permanent open", "a breach: ru fires across the line", "crossing: upheld", "snapback effective", "the story is told"}},
	}
	for _, tt := range tests {
		out, errOut, code := runAccord(t, append([]string{"demo", "--addr", "127.0.0.1:0", "--exit", "--data", t.TempDir()}, tt.args...)...)
		if code != 0 || !strings.Contains(out, "accord demo: open http://127.0.0.1:") {
			t.Errorf("%s: exit %d\n%s\n%s", tt.name, code, out, errOut)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tt.name, w, out)
			}
		}
		if negotiated := strings.Contains(out, "the negotiation, on http://"); negotiated != slices.Contains(tt.want, "concluded in round 2") {
			t.Errorf("%s: negotiated %v\n%s", tt.name, negotiated, out)
		}
	}
}

func TestDailyReportHTMLAndPDF(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "8", "--duration", "30h", "--rate", "20")
	dir := t.TempDir()
	html, pdf := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.pdf")
	out, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", html, "--pdf", pdf)
	if code != 0 || !strings.Contains(out, "2025-06-02: ") {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
	h, _ := os.ReadFile(html)
	p, _ := os.ReadFile(pdf)
	if !strings.Contains(string(h), "Daily monitoring report — Monday 2 June 2025") || !strings.Contains(string(h), "km 0") || !strings.Contains(string(h), `<svg class="map"`) || !strings.Contains(string(h), "<h2>Summary</h2>") ||
		!regexp.MustCompile(`\d km (north|south|east|west)[a-z-]* of [A-Z]`).Match(h) || !strings.Contains(string(h), "GeoNames") {
		t.Errorf("HTML report:\n%.500s", h)
	}
	if !bytes.HasPrefix(p, []byte("%PDF-")) || len(p) < 10000 {
		t.Errorf("PDF: %d bytes, starts %q", len(p), p[:min(8, len(p))])
	}
	if _, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "June 2", "--out", html); code != 2 || !strings.Contains(errOut, "--day") {
		t.Errorf("bad day: exit %d %s", code, errOut)
	}
}

func TestBriefing(t *testing.T) {
	dir := t.TempDir()
	html, pdf := filepath.Join(dir, "b.html"), filepath.Join(dir, "b.pdf")
	out, errOut, code := runAccord(t, "report", "briefing", "../../scenarios/ukraine-2025", "--proposal", "us-28-points", "--out", html, "--pdf", pdf)
	if code != 0 || !strings.Contains(out, "briefing on us-28-points: not accepted by every veto party") {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
	h, _ := os.ReadFile(html)
	for _, want := range []string{"Briefing: us-28-points", "7 change(s)", "<svg", "rejects", "All proposals compared"} {
		if !strings.Contains(string(h), want) {
			t.Errorf("the briefing lacks %q", want)
		}
	}
	if p, _ := os.ReadFile(pdf); !bytes.HasPrefix(p, []byte("%PDF-")) {
		t.Error("no PDF")
	}
	if _, errOut, code := runAccord(t, "report", "briefing", "../../scenarios/ukraine-2025", "--proposal", "nope", "--out", html); code != 1 || !strings.Contains(errOut, `no proposal "nope"`) {
		t.Errorf("unknown proposal: exit %d %s", code, errOut)
	}
}

func TestServeWithTokens(t *testing.T) {
	data := t.TempDir()
	tokens := filepath.Join(data, "tokens.json")
	os.WriteFile(tokens, []byte(`{"monitor-token-0123456789": {"actor": "mission", "role": "monitor", "owners": ["un", "cn", "in", "ru", "ua", "osint"]}}`), 0o600)
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--tokens", tokens)
	defer stop()
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "10m")
	body, _ := os.ReadFile(obs)
	resp, _ := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("anonymous post: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", url+"/v1/observations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer monitor-token-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("monitor post: %v %v", err, resp)
	}
	resp.Body.Close()
	os.WriteFile(tokens, []byte(`{"short": {"actor": "mission", "role": "monitor"}}`), 0o600)
	if _, errOut, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tokens", tokens); code != 1 || !strings.Contains(errOut, "shorter than 16") {
		t.Errorf("short token: exit %d %s", code, errOut)
	}
}

// A briefing whose bridge search --budget cut says so, not that no
// package is acceptable (tiny's p1 has a one-change bridge).
func TestBriefingBridgeCutByBudget(t *testing.T) {
	html := filepath.Join(t.TempDir(), "b.html")
	for _, c := range []struct {
		budget string
		want   string
		not    string
	}{
		{"1", "None found: the search budget (1 nodes) ran out", "no package is acceptable to every veto party"},
		{"100000", "1 change(s)", "None found"},
	} {
		if _, errOut, code := runAccord(t, "report", "briefing", tiny, "--proposal", "p1", "--budget", c.budget, "--out", html); code != 0 {
			t.Fatalf("--budget %s: exit %d %s", c.budget, code, errOut)
		}
		h, _ := os.ReadFile(html)
		if !strings.Contains(string(h), c.want) || strings.Contains(string(h), c.not) {
			t.Errorf("--budget %s: the briefing lacks %q or says %q", c.budget, c.want, c.not)
		}
	}
}
