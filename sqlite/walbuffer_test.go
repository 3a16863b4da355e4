package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor/monitortest"
)

func batchOf(n, from int) []accord.Observation {
	b := make([]accord.Observation, n)
	for i := range b {
		b[i] = monitortest.Observation(fmt.Sprint("s", (from+i)%7), strconv.Itoa(from+i))
	}
	return b
}

// With the writes gathered, a committed Put is in the files when Put
// returns: another connection, through SQLite's own VFS, sees it at once,
// through checkpoints (made frequent here); after reopening, every
// observation is there in the order stored and the file is sound.
func TestGatheredWritesAreCommitted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "accord.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.db.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil || pages != walCheckpointPages {
		t.Fatalf("wal_autocheckpoint: %d, %v; want %d", pages, err, walCheckpointPages)
	}
	if _, err := db.db.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 40`); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s := NewObservationStore(db)
	n := 0
	for i := range 40 {
		res, err := s.Put(ctx, batchOf(300, n-50*min(i, 1))) // 50 resends of the batch before
		if err != nil {
			t.Fatal(err)
		}
		n += res.Added
		var seen int
		if err := other.QueryRowContext(ctx, `SELECT COUNT(*) FROM observations`).Scan(&seen); err != nil || seen != n {
			t.Fatalf("after Put %d: the other connection sees %d observations, %v; want %d", i, seen, err, n)
		}
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	i := 0
	err = NewObservationStore(db).All(ctx, func(o *accord.Observation) error {
		if o.ID != strconv.Itoa(i) {
			return fmt.Errorf("observation %d has id %s", i, o.ID)
		}
		i++
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("All: %d of %d, %v", i, n, err)
	}
}

// A process killed while it stores loses nothing it was told was stored:
// a child Puts new batches and prints the count stored after each; it is
// killed; the database, reopened, holds at least the last count printed,
// and is sound.
func TestKilledKeepsAcknowledged(t *testing.T) {
	if path := os.Getenv("ACCORD_SQLITE_CHILD"); path != "" {
		db, err := Open(context.Background(), path)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		s := NewObservationStore(db)
		start, err := s.Len(context.Background())
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		for n := start; ; n += 200 {
			if _, err := s.Put(context.Background(), batchOf(200, n)); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			fmt.Println(n + 200)
		}
	}
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	path := filepath.Join(t.TempDir(), "accord.db")
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledKeepsAcknowledged$")
		cmd.Env = append(os.Environ(), "ACCORD_SQLITE_CHILD="+path)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		acked, lines := 0, 0
		for lines < 20+7*round && sc.Scan() {
			var err error
			if acked, err = strconv.Atoi(sc.Text()); err != nil {
				t.Fatalf("child: %s", sc.Text())
			}
			lines++
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		db, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		var check string
		if err := db.db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("round %d: integrity_check: %q, %v", round, check, err)
		}
		n, err := NewObservationStore(db).Len(context.Background())
		if err != nil || n < acked {
			t.Fatalf("round %d: %d observations stored, %v; %d were acknowledged", round, n, err, acked)
		}
		db.Close()
	}
}
