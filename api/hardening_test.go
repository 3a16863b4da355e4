package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/monitor"
)

// A batch of nothing but bad lines (4 MiB of "x\n", 2 Mi lines) is refused
// with the first errors and a count, never all of them: the reply is small
// and the server allocates a bounded amount for it.
func TestBadLinesAreCountedNotListed(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	body := bytes.Repeat([]byte("x\n"), 2<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := http.Post(srv.URL+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("4 MiB of bad lines: %d-byte reply, %.1f MiB allocated", len(reply), float64(alloc)/(1<<20))
	if resp.StatusCode != 400 {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	if len(reply) > 32<<10 {
		t.Errorf("the reply is %d bytes, want at most 32 KiB", len(reply))
	}
	if alloc > 64<<20 {
		t.Errorf("%d bytes allocated for the refusal, want under 64 MiB", alloc)
	}
	var e struct {
		Code      string          `json:"code"`
		Message   string          `json:"message"`
		Lines     []api.LineError `json:"lines"`
		BadLines  int             `json:"bad_lines"`
		Truncated bool            `json:"lines_truncated"`
	}
	if err := json.Unmarshal(reply, &e); err != nil {
		t.Fatalf("not JSON: %v: %.200s", err, reply)
	}
	if e.Code != "invalid" || len(e.Lines) != 100 || e.BadLines != 2<<20 || !e.Truncated {
		t.Errorf("code %q, %d lines listed, bad_lines %d, lines_truncated %v; want invalid, 100, %d, true", e.Code, len(e.Lines), e.BadLines, e.Truncated, 2<<20)
	}
	if !strings.Contains(e.Message, "2097152 bad line(s)") || !strings.Contains(e.Message, "the first 100") {
		t.Errorf("message %q: want the total and that only the first 100 are listed", e.Message)
	}
	if len(e.Lines) > 0 && (e.Lines[0].Line != 1 || e.Lines[99].Line != 100) {
		t.Errorf("lines listed from %d to %d, want 1 to 100", e.Lines[0].Line, e.Lines[len(e.Lines)-1].Line)
	}
}
