package reach_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/reach/reachtest"
)

// returns runs f, failing the test if it has not returned after long:
// a hang is ended, not timed.
func returns(t *testing.T, long time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(long):
		t.Fatalf("still waiting after %v: the client hangs", long)
	}
}

// A client of NewClient gives up on a server that takes the request and
// never answers, and on an answer that stops in its middle, each after
// its timeout, saying which: a read is one that could not be reached,
// sent, that changed nothing; a write sent may have been done.
func TestNewClientGivesUp(t *testing.T) {
	const timeout = 200 * time.Millisecond
	client := reach.NewClient(timeout)
	silent, stalls := reachtest.Silent(t), reachtest.Stalls(t)
	for _, c := range []struct {
		name, method, server string
		want                 string // "unreachable" or "no answer"
		says                 []string
	}{
		{"GET, never answered", http.MethodGet, silent, "unreachable",
			[]string{silent + " could not be reached: GET /v1/things sent: no answer within 200ms of sending the request; it only reads, so nothing was done"}},
		{"POST, never answered", http.MethodPost, silent, "no answer",
			[]string{silent + ": no answer to POST /v1/things once sent (no answer within 200ms of sending the request): it may have been done"}},
		{"GET, the answer stops", http.MethodGet, stalls, "unreachable",
			[]string{stalls + " could not be reached: GET /v1/things sent: the answer (200 OK) stopped after 10 bytes of its body: no more within 200ms; it only reads, so nothing was done"}},
		{"POST, the answer stops", http.MethodPost, stalls, "no answer",
			[]string{stalls + ": no answer to POST /v1/things once sent (the answer (200 OK) stopped after 10 bytes of its body: no more within 200ms): it may have been done"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, c.server+"/v1/things", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			returns(t, 10*time.Second, func() {
				var resp *http.Response
				resp, err = reach.Do(client, req, c.server)
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
			})
			var u *reach.Unreachable
			var na *reach.NoAnswer
			var to *reach.Timeout
			switch {
			case !errors.As(err, &to):
				t.Errorf("got %v (%T), want a *reach.Timeout within", err, err)
			case c.want == "unreachable" && (!errors.As(err, &u) || errors.As(err, &na)):
				t.Errorf("got %v (%T), want an *Unreachable", err, err)
			case c.want == "no answer" && (!errors.As(err, &na) || errors.As(err, &u)):
				t.Errorf("got %v (%T), want a *NoAnswer", err, err)
			}
			for _, s := range c.says {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("got %v\nwant it to say %q", err, s)
				}
			}
		})
	}
}

// A client's own Timeout, a deadline on the whole request (a witness's
// rounds), is told as such: how long, and how far the answer came.
func TestWholeTimeout(t *testing.T) {
	client := reach.NewClient(time.Minute)
	client.Timeout = 200 * time.Millisecond
	silent, stalls := reachtest.Silent(t), reachtest.Stalls(t)
	for _, c := range []struct{ server, want string }{
		{silent, "no answer within 200ms, the most a request may take whole"},
		{stalls, "the answer (200 OK) not whole within 200ms, the most a request may take whole: 10 bytes of its body read"},
	} {
		req, _ := http.NewRequest(http.MethodGet, c.server+"/v1/checkpoint", nil)
		var err error
		returns(t, 10*time.Second, func() {
			var resp *http.Response
			if resp, err = reach.Do(client, req, c.server); err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
		})
		var to *reach.Timeout
		if !errors.As(err, &to) || !to.Whole || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a whole request's *reach.Timeout saying %q", c.server, err, c.want)
		}
	}
}

// The timeout bounds each wait, not the whole exchange: an answer whose
// bytes keep coming, each within the timeout, is read whole however long
// it lasts (a stream, a large ledger on a slow link).
func TestNewClientNoOverallDeadline(t *testing.T) {
	const timeout, chunks, every = time.Second, 15, 100 * time.Millisecond // 1.5 s in all
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for i := 0; i < chunks; i++ {
			io.WriteString(w, "x")
			w.(http.Flusher).Flush()
			time.Sleep(every)
		}
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/feed", nil)
	resp, err := reach.Do(reach.NewClient(timeout), req, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != chunks {
		t.Errorf("read %d bytes, %v; want %d, the whole answer", len(b), err, chunks)
	}
}
