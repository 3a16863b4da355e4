package api_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// The answers net/http writes itself, before any handler runs, are plain
// text, not the API's JSON: no hook of the server can change them. They
// are the ones docs/server.md lists, byte for byte (a Go release that
// changes them fails here, and the page is brought up to date); a
// request's headers are bounded by api.MaxHeaderBytes; whatever reaches
// the handlers — an unknown route, a method not allowed — is JSON.
func TestEarlyAnswers(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, k := mustReference(t)
	m, err := mission.Open(t.Context(), mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(),
		Incidents: monitor.NewMemIncidentStore(), Ledger: l, Sealed: monitor.NewMemSealedStore()})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(m).HTTPServer(api.DefaultHeaderTimeout, api.DefaultIdleTimeout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	// Headers of MaxHeaderBytes are taken (net/http reads 4 KiB more,
	// the request line among them); more than that is 431.
	fits := strings.Repeat("a", api.MaxHeaderBytes)
	over := strings.Repeat("a", api.MaxHeaderBytes+4096)
	const plain = "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	for _, c := range []struct {
		name, req string
		status    string // the status line
		body      string // the whole body; "" for a JSON error
		code      string // a JSON error's code; "" for an empty body
	}{
		{"headers too large", "GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\nX-Big: " + over + "\r\n\r\n",
			"HTTP/1.1 431 Request Header Fields Too Large", "431 Request Header Fields Too Large", ""},
		{"headers within MaxHeaderBytes", "GET /nosuch HTTP/1.1\r\nHost: x\r\nX-Big: " + fits + "\r\n\r\n",
			"HTTP/1.1 404 Not Found", "", "not_found"},
		{"no Host", "GET /v1/checkpoint HTTP/1.1\r\n\r\n",
			"HTTP/1.1 400 Bad Request: missing required Host header", "400 Bad Request: missing required Host header", ""},
		{"a malformed header", "GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
			"HTTP/1.1 400 Bad Request: invalid header name", "400 Bad Request: invalid header name", ""},
		{"not a request line", "GARBAGE\r\n\r\n",
			"HTTP/1.1 400 Bad Request", "400 Bad Request", ""},
		{"an unsupported transfer encoding", "POST /v1/observations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
			"HTTP/1.1 501 Not Implemented", "Unsupported transfer encoding", ""},
		{"an unsupported HTTP version", "GET /v1/checkpoint HTTP/9.9\r\nHost: x\r\n\r\n",
			"HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version", "505 HTTP Version Not Supported: unsupported protocol version", ""},
		{"an Expect other than 100-continue", "POST /v1/observations HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\n{}",
			"HTTP/1.1 417 Expectation Failed", "", ""},
		{"a method not allowed", "DELETE /v1/observations HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.1 405 Method Not Allowed", "", "method_not_allowed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second)) // a hang ends
			go io.WriteString(conn, c.req)                     // the server may answer before it has read all
			br := bufio.NewReader(conn)
			if c.body != "" {
				raw, _ := io.ReadAll(br) // the server closes the connection
				want := c.status + "\r\n" + plain + c.body
				if string(raw) != want {
					t.Errorf("got\n%q\nwant\n%q", raw, want)
				}
				return
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if c.code == "" { // 417: no body
				if "HTTP/1.1 "+resp.Status != c.status || resp.ContentLength != 0 || len(b) != 0 {
					t.Errorf("got %s, %d bytes (%q); want %s, empty", resp.Status, resp.ContentLength, b, c.status)
				}
				return
			}
			if "HTTP/1.1 "+resp.Status != c.status || resp.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(b), `"code":"`+c.code+`"`) {
				t.Errorf("got %s (%s) %s, want %s, a JSON error %s", resp.Status, resp.Header.Get("Content-Type"), b, c.status, c.code)
			}
		})
	}
}
