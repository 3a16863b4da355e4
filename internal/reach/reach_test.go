package reach_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/reach/reachtest"
)

// Do tells a server that could not be reached (a closed port; a read
// sent with no answer) from a request that changes something sent with no
// answer (it may have been done), and leaves an answer, even an error
// status, and a request its caller cancelled as the client says.
func TestDo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	silent := reachtest.HangUp(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	for _, c := range []struct {
		name, method, server string
		ctx                  context.Context
		want                 string // "unreachable", "no answer", "answer", "cancelled"
	}{
		{"GET, port closed", http.MethodGet, closed, context.Background(), "unreachable"},
		{"POST, port closed", http.MethodPost, closed, context.Background(), "unreachable"},
		{"GET, sent, no answer", http.MethodGet, silent, context.Background(), "unreachable"},
		{"POST, sent, no answer", http.MethodPost, silent, context.Background(), "no answer"},
		{"POST, error answer", http.MethodPost, failing.URL, context.Background(), "answer"},
		{"GET, cancelled", http.MethodGet, closed, cancelled, "cancelled"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(c.ctx, c.method, c.server+"/v1/things", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := reach.Do(nil, req, c.server)
			if resp != nil {
				resp.Body.Close()
			}
			var u *reach.Unreachable
			var na *reach.NoAnswer
			switch c.want {
			case "unreachable":
				if !errors.As(err, &u) || !strings.Contains(err.Error(), c.server+" could not be reached") {
					t.Errorf("got %v (%T), want an *Unreachable naming %s", err, err, c.server)
				}
			case "no answer":
				if !errors.As(err, &na) || errors.As(err, &u) || !strings.Contains(err.Error(), "POST /v1/things") || !strings.Contains(err.Error(), "may have been done") {
					t.Errorf("got %v (%T), want a *NoAnswer naming the request", err, err)
				}
			case "answer":
				if err != nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("got %v, %v; want the 503 answer", resp, err)
				}
			case "cancelled":
				if !errors.Is(err, context.Canceled) || errors.As(err, &u) || errors.As(err, &na) {
					t.Errorf("got %v (%T), want the client's context.Canceled, neither unreachable nor unanswered", err, err)
				}
			}
		})
	}
}
