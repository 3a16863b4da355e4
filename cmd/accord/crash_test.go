package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sqlite"
)

func TestMain(m *testing.M) {
	// The crash test runs the server in a child process of the test binary.
	if args := os.Getenv("ACCORD_TEST_RUN"); args != "" {
		var argv []string
		json.Unmarshal([]byte(args), &argv)
		os.Exit(run(context.Background(), argv, os.Stdout, os.Stderr))
	}
	code := m.Run()
	pgtest.StopShared() // the PostgreSQL server of the --store tests, if one was started
	os.Exit(code)
}

// The server is killed with SIGKILL under load, five times; each time every
// observation it acknowledged is in the store after a restart.
func TestServeCrashKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	data := t.TempDir()
	obsFile, _ := simulateTo(t, "--seed", "9", "--duration", "6h", "--rate", "100")
	raw, _ := os.ReadFile(obsFile)
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	acked := map[monitor.Key]bool{}
	sent := 0
	for round := 0; round < 5 && sent < len(lines); round++ {
		argv, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--data", data})
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ACCORD_TEST_RUN="+string(argv))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		url := ""
		for url == "" && sc.Scan() {
			url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(sc.Text())
		}
		if url == "" {
			t.Fatal("the server printed no URL")
		}
		go func() {
			for sc.Scan() {
			}
		}()
		// Post batches of 50 until killed after a while.
		kill := time.After(time.Duration(300+100*round) * time.Millisecond)
	post:
		for sent < len(lines) {
			select {
			case <-kill:
				break post
			default:
			}
			end := min(sent+50, len(lines))
			body := append(bytes.Join(lines[sent:end], []byte("\n")), '\n')
			resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
			if err != nil {
				break
			}
			resp.Body.Close()
			if resp.StatusCode == 200 {
				for _, l := range lines[sent:end] {
					o, err := monitor.DecodeLine(l)
					if err != nil {
						t.Fatal(err)
					}
					acked[o.Key()] = true
				}
			}
			sent = end
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// Every acknowledged observation is in the store.
		db, err := sqlite.Open(context.Background(), data+"/accord.db")
		if err != nil {
			t.Fatalf("round %d: reopening the store: %v", round, err)
		}
		store := sqlite.NewObservationStore(db)
		for k := range acked {
			if _, err := store.Get(context.Background(), k); err != nil {
				t.Fatalf("round %d: acknowledged %v lost: %v", round, k, err)
			}
		}
		db.Close()
	}
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged")
	}
	t.Logf("%d acknowledged observations survived 5 kills", len(acked))
}
