package pgstore

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// silentProxy forwards loopback connections to a PostgreSQL server until
// it is made silent: then it cuts the connections it forwards and takes
// new ones without ever answering, as a network that drops packets (a
// partition, a firewall) does.
type silentProxy struct {
	ln     net.Listener
	to     string
	silent atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func startSilentProxy(t *testing.T, to string) *silentProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &silentProxy{ln: ln, to: to}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, c)
			p.mu.Unlock()
			if p.silent.Load() {
				continue // held, never answered
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

// cut closes every connection the proxy holds.
func (p *silentProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A server that stops answering while the store runs — its connections
// cut, new ones taken and never answered, for a few seconds — is a lost
// connection like a server down: each connection given up at its bound
// (connect_timeout) is retried with backoff, counted and logged, and the
// operation succeeds once the server answers again. It was not retried:
// the connection's own timeout was taken for the caller giving up, and
// the batch refused as an internal error at the first one.
func TestSilentServerRetried(t *testing.T) {
	ctx := context.Background()
	u, err := url.Parse(pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startSilentProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "1")
	u.RawQuery = q.Encode()
	db, err := OpenWith(ctx, u.String(), Options{Retry: Retry{Max: 30 * time.Second, Initial: 100 * time.Millisecond, MaxDelay: 500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewObservationStore(db)
	if _, err := s.Put(ctx, []monitor.Observation{monitortest.Observation("s", "1")}); err != nil {
		t.Fatal(err)
	}
	p.silent.Store(true)
	p.cut()
	back := time.AfterFunc(3*time.Second, func() { p.silent.Store(false) })
	defer back.Stop()
	start := time.Now()
	added, err := s.Put(ctx, []monitor.Observation{monitortest.Observation("s", "2")})
	if err != nil || added.Added != 1 {
		t.Fatalf("a Put while the server did not answer for 3 s: %v after %v, %d retries; want it stored once the server answers again", err, time.Since(start).Round(time.Millisecond), db.Retries())
	}
	if db.Retries() == 0 {
		t.Errorf("stored after %v with no retry counted", time.Since(start).Round(time.Millisecond))
	}
	if n, err := s.Len(ctx); err != nil || n != 2 {
		t.Errorf("stored %d, %v; want 2", n, err)
	}
}
