// Package reachtest serves the tests of accord's HTTP clients: a loopback
// server that reads each request whole and hangs up without an answer.
package reachtest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// HangUp is the URL of a loopback server that reads each request whole,
// then closes the connection without an answer: the request was sent,
// and no answer came. It stops with the test.
func HangUp(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					io.Copy(io.Discard, req.Body)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}
