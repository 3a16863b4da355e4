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

// A server that stops reading the request's body (its connection's
// buffers full) is given up after the timeout, as one that never
// answers: the request was never sent whole, so the server cannot have
// acted on it — an *Unreachable even for a POST. Before, the client
// waited for ever: the timeouts began once the request was written.
func TestNewClientGivesUpSending(t *testing.T) {
	const timeout = 200 * time.Millisecond
	deaf := reachtest.Deaf(t)
	body := strings.Repeat("x", 64<<20) // far more than loopback's buffers
	req, err := http.NewRequest(http.MethodPost, deaf+"/v1/observations", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	returns(t, 20*time.Second, func() {
		var resp *http.Response
		if resp, err = reach.Do(reach.NewClient(timeout), req, deaf); err == nil {
			resp.Body.Close()
		}
	})
	var u *reach.Unreachable
	var to *reach.Timeout
	if !errors.As(err, &u) || !errors.As(err, &to) || !to.Sending || to.Sent <= 0 || to.Sent >= int64(len(body)) {
		t.Fatalf("got %v (%T), want an *Unreachable of a *Timeout while sending, part of the body sent", err, err)
	}
	for _, want := range []string{deaf + " could not be reached: ", "the server took no more of the request's body within 200ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %v\nwant it to say %q", err, want)
		}
	}
}

// A body whose own source is slow (each read waits longer than the
// timeout) is sent whole to a server that reads it: the time the body's
// reads take is the caller's, not the server's.
func TestNewClientSlowBodyIsNotAStall(t *testing.T) {
	const timeout = 100 * time.Millisecond
	var got int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = len(b)
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/observations", &slowReader{chunks: 4, wait: 2 * timeout})
	resp, err := reach.Do(reach.NewClient(timeout), req, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || got != 4 {
		t.Errorf("%s, the server read %d bytes; want 200 and 4", resp.Status, got)
	}
}

// slowReader gives one byte each wait, chunks times.
type slowReader struct {
	chunks int
	wait   time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.chunks == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.wait)
	r.chunks--
	p[0] = 'x'
	return 1, nil
}
