// Package reachtest serves the tests of accord's HTTP clients: loopback
// servers that take a request and do not answer it as a server should —
// one hangs up without an answer, one never answers, one stops in the
// middle of its answer, one stops reading the request.
package reachtest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
)

// HangUp is the URL of a loopback server that reads each request whole,
// then closes the connection without an answer: the request was sent,
// and no answer came. It stops with the test.
func HangUp(t testing.TB) string {
	t.Helper()
	return serve(t, func(conn net.Conn, held func()) {
		conn.Close()
	})
}

// Silent is the URL of a loopback server that accepts each connection,
// reads the request whole and never answers, the connection held open
// until the test ends: the request was sent, and the client waits.
func Silent(t testing.TB) string {
	t.Helper()
	return serve(t, func(conn net.Conn, held func()) { held() })
}

// Stalls is the URL of a loopback server that reads each request whole,
// begins its answer — 200 OK, a body of 1,000 bytes announced, the first
// 10 sent — and sends no more, the connection held open until the test
// ends: the answer came, and stopped in its middle.
func Stalls(t testing.TB) string {
	t.Helper()
	return serve(t, func(conn net.Conn, held func()) {
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[1,2,3,4,5")
		held()
	})
}

// Deaf is the URL of a loopback server that reads each request's header
// and nothing more, never answering, the connection held open until the
// test ends: the client's sending of a large body stops once the
// connection's buffers are full.
func Deaf(t testing.TB) string {
	t.Helper()
	return listen(t, false, func(conn net.Conn, held func()) { held() })
}

// serve runs a loopback server that reads each request whole, then hands
// its connection to answer, with held to call to keep it open until the
// test ends. Every connection is closed when the test ends.
func serve(t testing.TB, answer func(conn net.Conn, held func())) string {
	return listen(t, true, answer)
}

// listen is serve; body false reads each request's header only.
func listen(t testing.TB, body bool, answer func(conn net.Conn, held func())) string {
	return Serve(t, func(_ int, conn net.Conn, done <-chan struct{}) {
		if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil && body {
			io.Copy(io.Discard, req.Body)
		}
		answer(conn, func() { <-done })
	})
}

// Serve runs a loopback server that hands each connection it accepts,
// the i-th (from 0), to handle in a goroutine of its own, with done,
// closed when the test ends; it returns the server's URL. Every
// connection is closed when handle returns or the test ends, and the
// test's cleanup waits for every handle to return.
func Serve(t testing.TB, handle func(i int, conn net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		close(done)
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				handle(i, conn, done)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}
