package main

import (
	"fmt"
	"sync"
	"time"
)

// restart fills a store with n observations over HTTP, stops the server
// and times its restart (the store replayed through the pipeline).
func (p *probe) restart(n int) error {
	fmt.Printf("\n== restart with %d observations in the store\n", n)
	lines := p.simulated(n)
	data := p.dataDir()
	s, _, err := start(p.bin, data)
	if err != nil {
		return err
	}
	t0 := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for c := 0; c < 2; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo, hi := next, min(next+5000, len(lines))
				next = hi
				mu.Unlock()
				if lo >= len(lines) {
					return
				}
				if !post(s.url, lines[lo:hi]) {
					p.fail("restart: a batch was refused")
					return
				}
			}
		}()
	}
	wg.Wait()
	fill := time.Since(t0)
	s.stop()
	s, took, err := start(p.bin, data)
	if err != nil {
		p.fail("restart with %d observations: %v", n, err)
		return nil
	}
	peak := s.memKiB("VmHWM") / 1024
	s.stop()
	fmt.Printf("filled in %v; restarted in %v, peak memory %d MiB\n", fill.Round(time.Millisecond), took.Round(time.Millisecond), peak)
	return nil
}
