package api_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
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

// grid is a batch of n observations far enough apart (0.1° by 0.5°) that
// each is an incident of its own.
func grid(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		l := strings.Replace(line, `"ID"`, fmt.Sprintf(`"g%d"`, i), 1)
		l = strings.Replace(l, "[34.5863,47.5119]", fmt.Sprintf("[%.1f,%.1f]", 30+float64(i%100)*0.1, 45+float64(i/100)*0.5), 1)
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// The answer to a batch lists at most MaxReplyIncidents of the incidents it
// changed, counts them all, and says when it is partial.
func TestIngestReplyIsBounded(t *testing.T) {
	tests := []struct {
		name       string
		limit, obs int
		listed     int
		truncated  bool
	}{
		{"under the default limit", 0, 20, 20, false},
		{"over the default limit", 0, 1500, 1000, true},
		{"over a set limit", 7, 20, 7, true},
		{"at a set limit", 20, 20, 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
			if tt.limit > 0 {
				s.MaxReplyIncidents = tt.limit
			}
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			resp, err := http.Post(srv.URL+"/v1/observations", "application/x-ndjson", bytes.NewReader(grid(tt.obs)))
			if err != nil {
				t.Fatal(err)
			}
			reply, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var out struct {
				Added     int               `json:"added"`
				Incidents []json.RawMessage `json:"incidents"`
				Total     *int              `json:"incidents_total"`
				Truncated bool              `json:"incidents_truncated"`
			}
			if err := json.Unmarshal(reply, &out); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%d %v: %.300s", resp.StatusCode, err, reply)
			}
			t.Logf("%d observations: %d incidents listed, %d-byte answer", tt.obs, len(out.Incidents), len(reply))
			if out.Added != tt.obs || len(out.Incidents) != tt.listed || out.Total == nil || *out.Total != tt.obs || out.Truncated != tt.truncated {
				t.Errorf("added %d, %d listed, total %v, truncated %v; want %d, %d, %d, %v", out.Added, len(out.Incidents), out.Total, out.Truncated, tt.obs, tt.listed, tt.obs, tt.truncated)
			}
			if len(reply) > tt.listed*512 {
				t.Errorf("a %d-byte answer for %d incidents listed", len(reply), tt.listed)
			}
			// The rest is in GET /v1/incidents.
			resp, err = http.Get(srv.URL + "/v1/incidents?limit=10000")
			if err != nil {
				t.Fatal(err)
			}
			var page struct{ Incidents []json.RawMessage }
			json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if len(page.Incidents) != tt.obs {
				t.Errorf("GET /v1/incidents: %d, want %d", len(page.Incidents), tt.obs)
			}
		})
	}
}

// The bearer scheme is case-insensitive (RFC 7235); tokens are matched
// whole, not by prefix or length.
func TestBearerScheme(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{"monitor-token-0123456789": {Actor: "mission", Role: accord.RoleMonitor, Owners: []string{"un"}}}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tests := []struct {
		header string
		want   int
	}{
		{"Bearer monitor-token-0123456789", 200},
		{"bearer monitor-token-0123456789", 200},
		{"BEARER monitor-token-0123456789", 200},
		{"bEaReR   monitor-token-0123456789", 200},
		{"Bearer monitor-token-012345678", 401},
		{"Bearer monitor-token-01234567890", 401},
		{"Bearer ", 401},
		{"Bearer", 401},
		{"Basic bW9uaXRvcjp4", 401},
		{"Bearermonitor-token-0123456789", 401},
	}
	for i, tt := range tests {
		body := strings.Replace(line, "ID", fmt.Sprintf("b%d", i), 1) + "\n"
		req, _ := http.NewRequest("POST", srv.URL+"/v1/observations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", tt.header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("Authorization: %q: %d %s, want %d", tt.header, resp.StatusCode, e.Message, tt.want)
		}
	}
}

// A JSON body over the limit is 413, with the limit in the message.
func TestOversizeJSONBody(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tests := []struct {
		path, body string
		want       int
		msg        string
	}{
		{"/v1/consultations/c1/response", `{"party":"ru","answer":"accept","evidence":"` + strings.Repeat("e", 70<<10) + `"}`, 413, "the body exceeds 65536 bytes"},
		{"/v1/consultations/c1/finding", `{"guarantor":"us","outcome":"upheld","evidence":"` + strings.Repeat("e", 70<<10) + `"}`, 413, "the body exceeds 65536 bytes"},
		{"/v1/consultations/c1/response", `{"party":"ru","answer":"accept"}`, 404, "no consultation"},
		{"/v1/consultations/c1/response", `{"party":"ru","answer":`, 400, "the body"},
	}
	for _, tt := range tests {
		resp, err := http.Post(srv.URL+tt.path, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tt.want || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("%s with %d bytes: %d %q, want %d %q", tt.path, len(tt.body), resp.StatusCode, e.Message, tt.want, tt.msg)
		}
	}
}

// The N a monitor signs is what it can count in what it sends: the
// observation lines of the body (blank lines aside), an exact resend
// within the batch included.
func TestSignedBatchCountsLinesAsSent(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	one := func(id string) string { return strings.Replace(line, "ID", id, 1) + "\n" }
	tests := []struct {
		name, body string
		n, want    int
	}{
		{"two lines", one("1") + one("2"), 2, 200},
		{"a line twice, counted twice", one("3") + one("3"), 2, 200},
		{"a line twice, counted once", one("4") + one("4"), 1, 400},
		{"blank lines not counted", one("5") + "\n  \n" + one("6") + "\n", 2, 200},
		{"no final newline", one("7") + strings.TrimSuffix(one("8"), "\n"), 2, 200},
	}
	for i, tt := range tests {
		id := fmt.Sprintf("b%d", i)
		sig, _ := api.SignBatch(priv, "mission", id, []byte(tt.body), tt.n)
		req, _ := http.NewRequest("POST", srv.URL+"/v1/observations", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set(api.HeaderAuthor, "mission")
		req.Header.Set(api.HeaderID, id)
		req.Header.Set(api.HeaderSignature, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, resp.StatusCode, e.Message, tt.want)
		}
	}
}

// A body that does not arrive within BodyTimeout is answered 408 and its
// connection closed; a body sent in time is served however long the
// connection then stays.
func TestSlowBody(t *testing.T) {
	s := api.NewServer(newMission(t, monitor.NewMemStore(), nil))
	s.BodyTimeout = 300 * time.Millisecond
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/observations HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n%s", line[:40])
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	var e api.ErrorBody
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	t.Logf("answered %d after %v: %s", resp.StatusCode, time.Since(start).Round(time.Millisecond), e.Message)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(e.Message, "the body did not arrive within 300ms") {
		t.Errorf("%d %q, want 408 and the timeout", resp.StatusCode, e.Message)
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Error("the connection stays open")
	}
	// A body in time: accepted, the connection kept for the next request
	// past the body's deadline.
	c := &http.Client{}
	for i := range 2 {
		resp, err := c.Post(srv.URL+"/v1/observations", "application/x-ndjson", strings.NewReader(strings.Replace(line, "ID", fmt.Sprintf("t%d", i), 1)+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("batch %d: %d", i, resp.StatusCode)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
