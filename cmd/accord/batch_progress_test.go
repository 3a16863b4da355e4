package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// monitor run and report daily over a long input say how far they are on
// stderr with --progress (and when stderr is a terminal, which a test's
// is not): the observations read, then the observations fused as they go,
// every tenth of them up to all; what they print or write — JSON, text,
// an export, the report — is byte for byte what they give without it, and
// without it stderr holds no progress.
func TestLongBatchCommandsReportProgress(t *testing.T) {
	obs, _ := simulateTo(t, "--seed", "3", "--duration", "48h")
	b, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}
	// The simulator resends some observations: each counts once.
	distinct := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		distinct[l] = true
	}
	n := len(distinct)
	count := regexp.MustCompile(`^(\d+)/(\d+) observations fused \((\d+)%\), `)
	for _, c := range []struct {
		name   string
		prefix string // of every progress line
		args   []string
		file   bool // the output goes to the file given as FILE
	}{
		{"monitor run --json", "accord: monitor run: ", []string{"monitor", "run", "reference", obs, "--json"}, false},
		{"monitor run text", "accord: monitor run: ", []string{"monitor", "run", "reference", obs}, false},
		{"monitor run --output-format geojson --out", "accord: monitor run: ", []string{"monitor", "run", "reference", obs, "--output-format", "geojson", "--out", "FILE"}, true},
		{"report daily", "accord: report daily: ", []string{"report", "daily", "reference", obs, "--day", "2025-06-02", "--out", "FILE"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			type result struct {
				stdout, stderr string
				file           []byte
			}
			runIt := func(extra ...string) result {
				file := filepath.Join(t.TempDir(), "out")
				args := append([]string(nil), c.args...)
				for i, a := range args {
					if a == "FILE" {
						args[i] = file
					}
				}
				stdout, stderr, code := runAccord(t, append(args, extra...)...)
				if code != 0 {
					t.Fatalf("%s %s: exit %d: %s", strings.Join(args, " "), strings.Join(extra, " "), code, stderr)
				}
				r := result{stdout: stdout, stderr: stderr}
				if c.file {
					f, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					r.file = f
				}
				return r
			}
			plain, withProgress := runIt(), runIt("--progress")
			if plain.stdout != withProgress.stdout {
				t.Errorf("stdout with --progress differs from stdout without:\n%s\n---\n%s", withProgress.stdout, plain.stdout)
			}
			if !bytes.Equal(plain.file, withProgress.file) {
				t.Errorf("the file written with --progress differs from the one without (%d and %d bytes)", len(withProgress.file), len(plain.file))
			}
			if strings.Contains(plain.stderr, c.prefix) {
				t.Errorf("progress on stderr without --progress (not a terminal):\n%s", plain.stderr)
			}
			var progress, rest []string
			for _, l := range strings.SplitAfter(withProgress.stderr, "\n") {
				if strings.HasPrefix(l, c.prefix) {
					progress = append(progress, strings.TrimPrefix(strings.TrimSuffix(l, "\n"), c.prefix))
				} else if l != "" {
					rest = append(rest, l)
				}
			}
			if strings.Join(rest, "") != plain.stderr {
				t.Errorf("stderr with --progress, its progress lines left out, is not stderr without it:\n%q\n%q", strings.Join(rest, ""), plain.stderr)
			}
			if len(progress) == 0 || !strings.HasPrefix(progress[0], strconv.Itoa(n)+" observations read from "+obs) {
				t.Fatalf("with --progress the first line does not say the %d observations read from %s:\n%s", n, obs, withProgress.stderr)
			}
			last, lines := -1, 0
			for _, l := range progress[1:] {
				m := count.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				done, _ := strconv.Atoi(m[1])
				total, _ := strconv.Atoi(m[2])
				if total != n || done <= last || done > total {
					t.Errorf("progress line %q after %d done: want a count above it, of %d", l, last, n)
				}
				last = done
				lines++
			}
			if last != n || lines < 5 {
				t.Errorf("with --progress %d count lines, the last at %d of %d observations; want at least 5, the last at all of them:\n%s", lines, last, n, withProgress.stderr)
			}
		})
	}
}
