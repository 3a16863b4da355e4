// Command ledgerbench measures the verifiable record: durable appends per
// second (batched: one fsync per batch), with and without author signatures
// checked; the time of an inclusion proof in a tree of a million entries;
// and the time to verify a log of a million entries from its bytes alone.
// Run it with bench/ledger.sh.
package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/ledger"
)

func main() {
	entries := flag.Int("entries", 1000000, "entries of the log to prove in and verify")
	signedEvery := flag.Int("signed-every", 100, "one entry in N of the big log is a signed submission (the rest derived entries)")
	writers := flag.Int("writers", 256, "concurrent appenders")
	flag.Parse()
	log.SetFlags(0)
	dir, err := os.MkdirTemp("", "ledgerbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}}
	fmt.Printf("machine: %d cores, %s\n\n", runtime.NumCPU(), runtime.Version())

	// Durable appends, batched.
	rate := appends(filepath.Join(dir, "a"), *writers, 3*time.Second, func(l *ledger.Log, w, i int) error {
		_, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(fmt.Sprintf(`{"id":"inc-%d-%d","state":"confirmed","confidence":0.97}`, w, i))})
		return err
	})
	fmt.Printf("durable appends, %d writers, one fsync per batch:        %8.0f entries/s (target ≥ 20,000)\n", *writers, rate)
	led, err := ledger.OpenLedger(filepath.Join(dir, "s"), reg)
	if err != nil {
		log.Fatal(err)
	}
	rate = appends("", *writers, 3*time.Second, func(_ *ledger.Log, w, i int) error {
		s, err := ledger.Sign(priv, "mission", fmt.Sprintf("%d-%d", w, i), "observations", map[string]any{"batch": i, "n": 100})
		if err != nil {
			return err
		}
		_, err = led.Submit(s)
		return err
	})
	led.Close()
	fmt.Printf("durable signed submissions (signature checked), same:     %8.0f entries/s\n\n", rate)

	// A big log, for proofs and verification.
	path := filepath.Join(dir, "big")
	l, err := ledger.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < *writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(*entries) {
					return
				}
				e := ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(fmt.Sprintf(`{"id":"inc-%d","state":"confirmed"}`, i))}
				if i%int64(*signedEvery) == 0 {
					s, _ := ledger.Sign(priv, "mission", fmt.Sprint(i), "observations", map[string]any{"batch": i})
					e = ledger.Entry{Kind: ledger.KindSubmission, Author: s.Author, ID: s.ID, Type: s.Type, Body: s.Body, Sig: s.Sig}
				}
				if _, err := l.Append(e); err != nil {
					log.Fatal(err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("a log of %d entries (1 in %d signed) written in %v\n", *entries, *signedEvery, time.Since(start).Round(time.Millisecond))
	n := l.Len()
	tree, _ := l.Tree(n)
	const proofs = 20000
	start = time.Now()
	for k := 0; k < proofs; k++ {
		i := int64(k*7919) % n
		if _, err := l.ProveRecord(n, i); err != nil {
			log.Fatal(err)
		}
	}
	per := time.Since(start) / proofs
	rec, _ := l.Record(n / 2)
	p, _ := l.ProveRecord(n, n/2)
	if err := tlog.CheckRecord(p, n, tree.Hash, n/2, tlog.RecordHash(rec)); err != nil {
		log.Fatal(err)
	}
	start = time.Now()
	for k := 0; k < proofs; k++ {
		_ = tlog.CheckRecord(p, n, tree.Hash, n/2, tlog.RecordHash(rec))
	}
	fmt.Printf("inclusion proof in a tree of %d: %v to prove, %v to check (target ≤ 50 µs)\n", n, per, time.Since(start)/proofs)
	l.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	start = time.Now()
	rep := ledger.Verify(data, reg, &tree)
	el := time.Since(start)
	if !rep.OK() {
		log.Fatalf("the log does not verify: %v", rep.Problems[:1])
	}
	fmt.Printf("verify %d entries (%d MB) from the bytes alone: %v (target ≤ 10 s)\n", rep.Entries, len(data)>>20, el.Round(time.Millisecond))
}

// appends runs writers for a while and returns the rate of acknowledged
// appends.
func appends(path string, writers int, d time.Duration, f func(l *ledger.Log, w, i int) error) float64 {
	var l *ledger.Log
	if path != "" {
		var err error
		if l, err = ledger.Open(path); err != nil {
			log.Fatal(err)
		}
		defer l.Close()
	}
	var done atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				if err := f(l, w, i); err != nil {
					log.Fatal(err)
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds()
}
