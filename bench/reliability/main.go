// Command reliability probes the mission server as an attacker, a power cut
// and a crowd of slow clients would, on loopback, with `accord serve` run as
// a child process on real files: hostile bodies on every route (each on a
// fresh server, restarted after it), kill -9 under load with every
// acknowledged observation checked and the ledger verified after each kill,
// slow SSE clients and idle connections, and the restart time of a large
// store. It prints the figures; docs/threat-model.md records them. Run it
// with bench/reliability.sh.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/accord-peace/accord/internal/benchdata"
)

func main() {
	bin := flag.String("accord", "", "the accord binary (default: built from this module into a temporary directory)")
	kills := flag.Int("kills", 20, "kill -9 rounds under load")
	slow := flag.Int("slow", 500, "slow SSE clients")
	restartObs := flag.Int("restart-obs", 200000, "observations in the store whose restart is timed")
	only := flag.String("only", "hostile,kills,slow,restart", "which probes to run (comma-separated)")
	flag.Parse()
	log.SetFlags(0)
	tmp, err := os.MkdirTemp("", "accord-reliability-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if *bin == "" {
		*bin = filepath.Join(tmp, "accord")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/accord")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("building accord: %v", err)
		}
	}
	fmt.Printf("machine: %d cores, %s\n", runtime.NumCPU(), runtime.Version())
	p := &probe{bin: *bin, tmp: tmp}
	for _, name := range strings.Split(*only, ",") {
		var err error
		switch strings.TrimSpace(name) {
		case "hostile":
			err = p.hostile()
		case "kills":
			err = p.kills(*kills)
		case "slow":
			err = p.slowClients(*slow)
		case "restart":
			err = p.restart(*restartObs)
		default:
			err = fmt.Errorf("no probe %q (hostile, kills, slow, restart)", name)
		}
		if err != nil {
			p.fail("%s: %v", name, err)
		}
	}
	fmt.Println()
	if len(p.failures) > 0 {
		fmt.Printf("FAILED (%d):\n", len(p.failures))
		for _, f := range p.failures {
			fmt.Println("  " + f)
		}
		os.Exit(1)
	}
	fmt.Println("all probes held")
}

// probe holds what the probes share.
type probe struct {
	bin, tmp string
	n        int
	failures []string
	lines    [][]byte // simulated observations, NDJSON lines
}

func (p *probe) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.failures = append(p.failures, msg)
	fmt.Println("  FAIL: " + msg)
}

// dataDir is a new data directory.
func (p *probe) dataDir() string {
	p.n++
	return filepath.Join(p.tmp, fmt.Sprintf("data-%03d", p.n))
}

// simulated returns at least n simulated observations of the reference
// agreement's front, as NDJSON lines in time order.
func (p *probe) simulated(n int) [][]byte {
	if len(p.lines) >= n {
		return p.lines[:n]
	}
	a, k, err := benchdata.Reference()
	if err != nil {
		log.Fatal(err)
	}
	hours := 1.0
	for {
		lines, err := benchdata.Lines(a, k, hours, 1000)
		if err != nil {
			log.Fatal(err)
		}
		if len(lines) >= n {
			p.lines = lines
			return p.lines[:n]
		}
		hours *= 1.2 * float64(n) / float64(max(len(lines), 1))
	}
}
