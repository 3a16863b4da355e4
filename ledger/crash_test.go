package ledger_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accord-peace/accord/ledger"
)

// crashWriter is the child process of TestCrashLosesNoAcknowledgedEntry:
// it appends from eight goroutines until killed, printing each entry's
// sequence number and body once Append has returned (the entry is durable).
func crashWriter(path, run string) {
	l, err := ledger.Open(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				body := fmt.Sprintf(`{"run":%s,"g":%d,"i":%d}`, run, g, i)
				seq, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "load", Body: []byte(body)})
				if err != nil {
					return
				}
				mu.Lock()
				fmt.Fprintf(out, "ack %d %s\n", seq, body)
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestMain(m *testing.M) {
	if path := os.Getenv("ACCORD_CRASH_WRITER"); path != "" {
		crashWriter(path, os.Getenv("ACCORD_CRASH_RUN"))
		return
	}
	os.Exit(m.Run())
}

// The writer is killed (SIGKILL) a hundred times under load; after each
// kill the log reopens, every acknowledged entry is there with its body,
// and the whole log verifies.
func TestCrashLosesNoAcknowledgedEntry(t *testing.T) {
	runs := 100
	if testing.Short() {
		runs = 10
	}
	path := filepath.Join(t.TempDir(), "log")
	r := rand.New(rand.NewPCG(1, 2))
	acked := map[int64]string{}
	for run := 0; run < runs; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ACCORD_CRASH_WRITER="+path, fmt.Sprintf("ACCORD_CRASH_RUN=%d", run))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1<<16)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// The kill comes 0–20 ms after the writer's first acknowledgement,
		// not after its start: a writer slow to start (built with -race,
		// on a loaded machine) is still killed while it writes.
		var first []string // the writer's lines
		select {
		case line, ok := <-lines:
			if ok {
				first = append(first, line)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run %d: the writer acknowledged nothing in 30 s", run)
		}
		time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		for line := range lines {
			first = append(first, line)
		}
		for _, line := range first {
			var seq int64
			var body string
			if _, err := fmt.Sscanf(line, "ack %d %s", &seq, &body); err != nil {
				t.Fatalf("run %d: writer said %q", run, line)
			}
			acked[seq] = body
		}
		l, err := ledger.Open(path)
		if err != nil {
			t.Fatalf("run %d: reopening: %v", run, err)
		}
		for seq, body := range acked {
			rec, err := l.Record(seq)
			if err != nil || !strings.Contains(string(rec), body) {
				t.Fatalf("run %d: acknowledged entry %d (%s) lost: %v", run, seq, body, err)
			}
		}
		n := l.Len()
		l.Close()
		data, _ := os.ReadFile(path)
		if rep := ledger.Verify(data, &ledger.Registry{}, nil); !rep.OK() || rep.Entries != n {
			t.Fatalf("run %d: the log does not verify: %v", run, rep.Problems)
		}
	}
	if len(acked) < runs {
		t.Errorf("only %d entries acknowledged over %d runs: the writer hardly ran", len(acked), runs)
	}
	t.Logf("%d kills, %d acknowledged entries, all present", runs, len(acked))
}
