package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/accord-peace/accord"
)

// post sends a batch of NDJSON lines and reports whether it was
// acknowledged.
func post(url string, lines [][]byte) bool {
	body := append(bytes.Join(lines, []byte("\n")), '\n')
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// present lists the observation keys of every incident the server holds,
// open and closed, page by page.
func present(url string) (map[accord.ObservationKey]bool, error) {
	out := map[accord.ObservationKey]bool{}
	after := ""
	for {
		resp, err := http.Get(url + "/v1/incidents?limit=10000&after=" + after)
		if err != nil {
			return nil, err
		}
		var page accord.IncidentPage
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		for _, in := range page.Incidents {
			for _, k := range in.Observations {
				out[k] = true
			}
		}
		if page.Next == "" {
			return out, nil
		}
		after = page.Next
	}
}

// verify runs `accord verify` on the server's ledger against the
// checkpoint it serves now.
func (p *probe) verify(s *server) error {
	resp, err := http.Get(s.url + "/v1/checkpoint")
	if err != nil {
		return err
	}
	cp, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f := filepath.Join(p.tmp, "checkpoint")
	if err := os.WriteFile(f, cp, 0o644); err != nil {
		return err
	}
	out, err := exec.Command(p.bin, "verify", s.url, "--checkpoint", f, "--log-key", filepath.Join(s.data, "log.pub")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("accord verify: %v: %s", err, tail(out))
	}
	return nil
}

// kills posts simulated observations from four clients and kills the
// server with SIGKILL at a random moment, rounds times; after each restart
// every observation of an acknowledged batch must be in an incident and
// the ledger must verify.
func (p *probe) kills(rounds int) error {
	fmt.Printf("\n== kill -9 under load, %d rounds (4 clients, batches of 200)\n", rounds)
	lines := p.simulated(rounds * 6000)
	data := p.dataDir()
	acked := map[accord.ObservationKey]bool{}
	keyOf := func(l []byte) accord.ObservationKey {
		o, err := accord.DecodeObservation(l)
		if err != nil {
			panic(err)
		}
		return o.Key()
	}
	next := 0
	var lost, verified int
	var restarts []time.Duration
	for round := 0; round <= rounds; round++ {
		s, took, err := start(p.bin, data)
		if err != nil {
			p.fail("round %d: the server does not restart: %v", round, err)
			return nil
		}
		restarts = append(restarts, took)
		have, err := present(s.url)
		if err != nil {
			s.kill()
			return err
		}
		missing := 0
		for k := range acked {
			if !have[k] {
				missing++
			}
		}
		if missing > 0 {
			p.fail("round %d: %d acknowledged observations lost", round, missing)
		}
		lost += missing
		if err := p.verify(s); err != nil {
			p.fail("round %d: %v", round, err)
		} else {
			verified++
		}
		if round == rounds {
			s.stop()
			break
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for c := 0; c < 4; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					if next >= len(lines) {
						mu.Unlock()
						return
					}
					lo, hi := next, min(next+200, len(lines))
					next = hi
					mu.Unlock()
					if post(s.url, lines[lo:hi]) {
						mu.Lock()
						for _, l := range lines[lo:hi] {
							acked[keyOf(l)] = true
						}
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		s.kill()
		close(stop)
		wg.Wait()
	}
	fmt.Printf("%d kills; %d observations acknowledged, %d lost; the ledger verified after %d of %d restarts; restart %v (first) to %v (last)\n",
		rounds, len(acked), lost, verified, rounds+1, restarts[0].Round(time.Millisecond), restarts[len(restarts)-1].Round(time.Millisecond))
	return nil
}
