package fsync

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkWorkBesideFsyncs measures what the scheduler's processors get
// done while a goroutine flushes a file in a loop, as the server's ledger
// and SQLite WAL do: as many goroutines as GOMAXPROCS hash 16 KiB blocks
// for a second, once beside (*os.File).Sync and once beside File, in the
// same run. It reports the blocks hashed a second beside each, their
// ratio, and the flushes made. With Sync the flushing goroutine keeps its
// P for much of each flush; with File the hashing goroutines have it.
func BenchmarkWorkBesideFsyncs(b *testing.B) {
	path := filepath.Join(b.TempDir(), "log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	run := func(flush func(*os.File) error) (blocks, flushes float64) {
		var stop atomic.Bool
		var hashed, synced atomic.Int64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := make([]byte, 4096)
			for !stop.Load() {
				if _, err := f.Write(rec); err != nil {
					b.Error(err)
					return
				}
				if err := flush(f); err != nil {
					b.Error(err)
					return
				}
				synced.Add(1)
			}
		}()
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				block := make([]byte, 16<<10)
				for !stop.Load() {
					sum := sha256.Sum256(block)
					block[0] = sum[0]
					hashed.Add(1)
				}
			}()
		}
		const d = time.Second
		time.Sleep(d)
		stop.Store(true)
		wg.Wait()
		return float64(hashed.Load()) / d.Seconds(), float64(synced.Load()) / d.Seconds()
	}
	var withSync, withFile, syncs, files float64
	for b.Loop() {
		s, n := run((*os.File).Sync)
		withSync, syncs = withSync+s, syncs+n
		s, n = run(File)
		withFile, files = withFile+s, files+n
	}
	n := float64(b.N)
	b.ReportMetric(withSync/n, "blocks/s-beside-Sync")
	b.ReportMetric(withFile/n, "blocks/s-beside-File")
	b.ReportMetric(withFile/withSync, "File/Sync")
	b.ReportMetric(syncs/n, "Syncs/s")
	b.ReportMetric(files/n, "Files/s")
}
