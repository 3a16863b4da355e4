package reach_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/reach/reachtest"
)

// A request the transport sends again on a new connection (its first
// connection, reused, was closed after the request was written and
// before an answer: a replayable request — here one with an
// Idempotency-Key — is retried with its body from GetBody) is watched
// again from that attempt: a server that takes the second attempt's
// body steadily, longer than the timeout in all, is not given up, and
// one that stops taking it is given up as a server that stopped reading.
// Before, the wait for an answer begun when the first attempt was
// written ran on and cut the healthy retry, and the body's watch, ended
// by that first attempt's write, never began again.
func TestNewClientRetriedRequest(t *testing.T) {
	const timeout = 200 * time.Millisecond
	body := bytes.Repeat([]byte("x"), 48<<20)
	cases := []struct {
		name string
		// second serves the retry's connection, its request's header read.
		second      func(conn net.Conn, req *http.Request, stop <-chan struct{})
		wantSending bool // else an answer
	}{
		{"the retry's body taken steadily", func(conn net.Conn, req *http.Request, stop <-chan struct{}) {
			// 1 MB each 10 ms for the first 32 MB (longer than the
			// timeout), then the rest at once: what the connection's
			// buffers hold once the request is written is read well
			// within the wait for an answer.
			buf := make([]byte, 1<<20)
			for range 32 {
				if _, err := io.ReadFull(req.Body, buf); err != nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			io.Copy(io.Discard, req.Body)
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
		}, false},
		{"the retry's body not taken", func(conn net.Conn, req *http.Request, stop <-chan struct{}) {
			<-stop // the connection held open, unread
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := reachtest.Serve(t, func(i int, conn net.Conn, stop <-chan struct{}) {
				br := bufio.NewReader(conn)
				if i > 0 {
					if req, err := http.ReadRequest(br); err == nil {
						c.second(conn, req, stop)
					}
					return
				}
				// The first request answered, kept alive; the second
				// read whole and the connection closed.
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
				if req, err = http.ReadRequest(br); err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
			})
			client := reach.NewClient(timeout)
			first, _ := http.NewRequest(http.MethodGet, url+"/v1/agreement", nil)
			resp, err := reach.Do(client, first, url)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			req, _ := http.NewRequest(http.MethodPost, url+"/v1/observations", bytes.NewReader(body))
			req.Header.Set("Idempotency-Key", "batch-1")
			returns(t, 20*time.Second, func() {
				if resp, err = reach.Do(client, req, url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
			var to *reach.Timeout
			switch {
			case c.wantSending && (!errors.As(err, &to) || !to.Sending):
				t.Fatalf("got %v (%T), want a *Timeout while sending", err, err)
			case !c.wantSending && (err != nil || resp.StatusCode != http.StatusOK):
				t.Fatalf("got %v, want the answer", err)
			}
		})
	}
}
