package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// progress reports a long command's steps and counts on stderr, as robust
// does: when stderr is a terminal, or when asked (--progress). A nil
// *progress reports nothing; what the command prints or writes is the
// same either way.
type progress struct {
	w        io.Writer
	terminal bool
	name     string // the command, as "monitor run"
	start    time.Time
}

// newProgress is the progress of the command c: nil (silent) unless asked
// for or stderr is a terminal.
func newProgress(c *cobra.Command, asked bool) *progress {
	w := c.ErrOrStderr()
	terminal := isTerminal(w)
	if !asked && !terminal {
		return nil
	}
	return &progress{w: w, terminal: terminal, name: usagePath(c), start: time.Now()}
}

// step says that a step is done, with the time since the start.
func (p *progress) step(format string, args ...any) {
	if p == nil {
		return
	}
	fmt.Fprintf(p.w, "accord: %s: %s, %.1fs\n", p.name, fmt.Sprintf(format, args...), time.Since(p.start).Seconds())
}

// count is the function that reports done of total units (nil when p
// is), as robust reports its runs.
func (p *progress) count(unit string) func(done, total int) {
	if p == nil {
		return nil
	}
	return countPrinter(p.w, p.terminal, p.name, unit, p.start)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter reports robust's runs done.
func progressPrinter(w io.Writer, terminal bool) func(done, total int) {
	return countPrinter(w, terminal, "robust", "runs", time.Now())
}

// countPrinter reports units done of the command name: on a terminal one
// line rewritten at most five times a second, elsewhere a line at every
// tenth of the total.
func countPrinter(w io.Writer, terminal bool, name, unit string, start time.Time) func(done, total int) {
	last, step := time.Time{}, -1
	return func(done, total int) {
		pct := 100
		if total > 0 {
			pct = 100 * done / total
		}
		if terminal {
			if done < total && time.Since(last) < 200*time.Millisecond {
				return
			}
			last = time.Now()
			fmt.Fprintf(w, "\raccord: %s: %d/%d %s (%d%%), %.1fs", name, done, total, unit, pct, time.Since(start).Seconds())
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		if pct/10 > step || done == total {
			step = pct / 10
			fmt.Fprintf(w, "accord: %s: %d/%d %s (%d%%), %.1fs\n", name, done, total, unit, pct, time.Since(start).Seconds())
		}
	}
}
