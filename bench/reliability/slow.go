package main

import (
	"bufio"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"
)

// latencies posts n batches of 100 observations one after another and
// returns each acknowledgement's time, sorted.
func latencies(url string, lines [][]byte, n int) []time.Duration {
	var out []time.Duration
	for i := 0; i < n && (i+1)*100 <= len(lines); i++ {
		t0 := time.Now()
		post(url, lines[i*100:(i+1)*100])
		out = append(out, time.Since(t0))
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
}

// slowClients measures batch latency with and without n SSE clients, each
// from its own loopback address, that read the status line and then never
// read again (each asks for the feed without Last-Event-ID), and how long an
// idle connection and a slow-body one stay open.
func (p *probe) slowClients(n int) error {
	fmt.Printf("\n== %d slow SSE clients, an idle connection, a slow body\n", n)
	data := p.dataDir()
	s, _, err := start(p.bin, data)
	if err != nil {
		return err
	}
	defer s.stop()
	lines := p.simulated(60000)
	for i := 0; i+500 <= 40000; i += 500 {
		post(s.url, lines[i:i+500])
	}
	rest := lines[40000:]
	host := strings.TrimPrefix(s.url, "http://")
	// The idle and slow-body connections, timed in the background.
	idle := make(chan time.Duration, 1)
	slowBody := make(chan time.Duration, 1)
	go func() { idle <- openFor(host, "", 0) }()
	go func() {
		slowBody <- openFor(host, "POST /v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n", 5*time.Second)
	}()
	before := latencies(s.url, rest, 50)
	rss0 := s.memKiB("VmRSS")
	var conns []net.Conn
	statuses := map[string]int{}
	for i := 0; i < n; i++ {
		// Each from its own address (all of 127.0.0.0/8 is loopback), so
		// that the cap in all is probed, not the cap per address.
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 1, byte(i/250), byte(i%250+1))}}
		c, err := d.Dial("tcp", host)
		if err != nil {
			statuses["refused"]++
			continue
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /v1/feed HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		st, err := bufio.NewReaderSize(c, 16).ReadString('\n')
		if err != nil {
			statuses["no answer"]++
			continue
		}
		statuses[strings.TrimSpace(strings.TrimPrefix(st, "HTTP/1.1 "))]++
	}
	time.Sleep(2 * time.Second)
	after := latencies(s.url, rest[5000:], 50)
	rss1 := s.memKiB("VmRSS")
	for _, c := range conns {
		c.Close()
	}
	fmt.Printf("feed answers: %v\n", statuses)
	fmt.Printf("batch of 100, alone:          p50 %v  p99 %v\n", pct(before, .5), pct(before, .99))
	fmt.Printf("batch of 100, %d slow SSE: p50 %v  p99 %v (server memory %d → %d MiB)\n", n, pct(after, .5), pct(after, .99), rss0/1024, rss1/1024)
	if pct(after, .99) > 10*max(pct(before, .99), 50*time.Millisecond) {
		p.fail("slow SSE clients: batch p99 %v against %v alone", pct(after, .99), pct(before, .99))
	}
	i, b := <-idle, <-slowBody
	fmt.Printf("an idle connection closed by the server after %v; a slow body (1 byte / 5 s) after %v (cap 90 s)\n", i.Round(time.Second), b.Round(time.Second))
	if i >= 90*time.Second || b >= 90*time.Second {
		p.fail("connections held open past 90 s (idle %v, slow body %v)", i, b)
	}
	return nil
}

// openFor opens a connection, writes head, then a byte every drip (never
// when drip is 0), and returns how long until the server closes it (at
// most 90 s).
func openFor(host, head string, drip time.Duration) time.Duration {
	c, err := net.Dial("tcp", host)
	if err != nil {
		return 0
	}
	defer c.Close()
	t0 := time.Now()
	if head != "" {
		c.Write([]byte(head))
	}
	closed := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			c.SetReadDeadline(t0.Add(90 * time.Second))
			if _, err := c.Read(buf); err != nil {
				close(closed)
				return
			}
		}
	}()
	var tick <-chan time.Time
	if drip > 0 {
		t := time.NewTicker(drip)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-closed:
			return time.Since(t0)
		case <-tick:
			c.Write([]byte("x"))
		}
	}
}
