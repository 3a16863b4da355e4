package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/monitor"
)

var (
	simOnce sync.Once
	simObs  []accord.Observation
	simErr  error
)

// simulated is 24 simulated hours of the reference agreement's front
// (about 96,000 observations, 2.8% of them resends), decoded once.
func simulated(tb testing.TB) []accord.Observation {
	tb.Helper()
	simOnce.Do(func() {
		a, k, err := benchdata.Reference()
		if err != nil {
			simErr = err
			return
		}
		lines, err := benchdata.Lines(a, k, 24, 1000)
		if err != nil {
			simErr = err
			return
		}
		simObs = make([]accord.Observation, len(lines))
		for i, l := range lines {
			o, err := monitor.DecodeLine(l)
			if err != nil {
				simErr = err
				return
			}
			simObs[i] = *o
		}
	})
	if simErr != nil {
		tb.Fatal(simErr)
	}
	return simObs
}

// cpuTime is the CPU (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPutSimulated stores 24 simulated hours in batches of 500, as
// the server's benchmark posts them, into a new file database in each
// iteration, and reports the CPU and the wall time per observation. The
// "before" case runs as before this work, for a comparison in the same
// run: the schema before migration 0005 (with the index on observed_at),
// the files written by SQLite's own VFS, its default checkpoints, the
// statements through database/sql; "databasesql" is now but for the last.
func BenchmarkPutSimulated(b *testing.B) {
	obs := simulated(b)
	for _, c := range []struct {
		name       string
		vfs        string
		checkpoint int
		setup      string
		put        func(*ObservationStore, context.Context, []accord.Observation) (accord.PutResult, error)
	}{
		{"now", walVFSName, walCheckpointPages, "", (*ObservationStore).Put},
		{"databasesql", walVFSName, walCheckpointPages, "", (*ObservationStore).putThroughDatabaseSQL},
		{"before", "", 0, `CREATE INDEX observations_observed_at ON observations (observed_at)`, (*ObservationStore).putThroughDatabaseSQL},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			var cpu, wall time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				if err := registerWALVFS(); err != nil {
					b.Fatal(err)
				}
				db, err := open(ctx, filepath.Join(b.TempDir(), "accord.db"), "FULL", c.vfs, c.checkpoint)
				if err != nil {
					b.Fatal(err)
				}
				if c.setup != "" {
					if _, err := db.db.ExecContext(ctx, c.setup); err != nil {
						b.Fatal(err)
					}
				}
				s := NewObservationStore(db)
				b.StartTimer()
				c0, w0 := cpuTime(), time.Now()
				for lo := 0; lo < len(obs); lo += 500 {
					if _, err := c.put(s, ctx, obs[lo:min(lo+500, len(obs))]); err != nil {
						b.Fatal(err)
					}
				}
				cpu += cpuTime() - c0
				wall += time.Since(w0)
				n += len(obs)
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(n), "cpu-µs/obs")
			b.ReportMetric(float64(wall.Nanoseconds())/1e3/float64(n), "µs/obs")
		})
	}
}
