package local

import (
	"sync"
	"testing"
	"time"
)

// A probe of the data directory's lock (accord config check,
// CheckLock) running at the very moment a deployment takes the
// directory does not make it refuse the directory as in use: the
// probe's lock is not the holder's. Each of the opens below races a
// probe running without pause on its own open file, as config check in
// another process would; and while the directory is held the probe
// still says so.
func TestProbeDoesNotMakeTheDirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var probes int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			CheckLock(dir)
			probes++
		}
	}()
	const opens = 200
	var refused []error
	for i := 0; i < opens; i++ {
		l, err := lockDir(dir)
		if err != nil {
			refused = append(refused, err)
			continue
		}
		time.Sleep(100 * time.Microsecond)
		if err := l.release(); err != nil {
			t.Fatalf("releasing the lock of %s: %v", dir, err)
		}
	}
	close(stop)
	wg.Wait()
	if len(refused) > 0 {
		t.Errorf("%d of %d takes of %s raced by a probe (%d probes) were refused; the first: %v", len(refused), opens, dir, probes, refused[0])
	}
	if probes == 0 {
		t.Fatal("the probe never ran")
	}
	// The probe, for its part, still sees a holder.
	l, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.release()
	if err := CheckLock(dir); err == nil {
		t.Errorf("CheckLock(%s) while the directory is held: nil, want 'in use'", dir)
	}
}
