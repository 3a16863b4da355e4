// Command tracecores reads an execution trace (go tool trace's input: the
// one serverbench -trace writes) and says how the process kept its
// processors busy: for how long 0, 1, 2… goroutines ran, whether other
// goroutines were runnable meanwhile, and for how long a processor (a P
// of GOMAXPROCS) sat in a system call while goroutines waited for one —
// with, for that time, the system calls in progress by the innermost
// frame of the module that made them. It is the measure behind
// internal/fsync (bench/README.md, "Item 5, eleventh session").
//
//	go run ./bench/serverbench -hours 12 -runs 3 -trace /tmp/ingest.trace
//	(cd bench/tracecores && go run . /tmp/ingest.trace)
//
// It is a module of its own so that accord does not depend on
// golang.org/x/exp.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	module := flag.String("module", "github.com/accord-peace/accord", "name system calls by the innermost frame of this module")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tracecores [-module path] trace-file")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	s, err := read(f, *module)
	if err != nil {
		log.Fatalf("%s: %v", flag.Arg(0), err)
	}
	s.print(os.Stdout)
}

// state is the time-weighted tally of a trace.
type state struct {
	total time.Duration
	// byRunning[n][w]: n goroutines running, w: whether any was runnable.
	byRunning map[int][2]time.Duration
	// heldWhileWaiting: a P in a system call (held by a goroutine that
	// entered it) while goroutines were runnable; calls: the calls in
	// progress then, by name.
	heldWhileWaiting time.Duration
	calls            map[string]time.Duration
}

func read(r io.Reader, module string) (*state, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return nil, err
	}
	s := &state{byRunning: map[int][2]time.Duration{}, calls: map[string]time.Duration{}}
	goState := map[trace.GoID]trace.GoState{}
	inCall := map[trace.GoID]string{}       // goroutines in a system call: its name
	heldBy := map[trace.ProcID]trace.GoID{} // Ps held by a goroutine in a system call
	running, runnable := 0, 0
	var first, last trace.Time
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first == 0 {
			first = ev.Time()
		}
		if last != 0 && ev.Time() > last {
			d := time.Duration(ev.Time() - last)
			w := s.byRunning[running]
			if runnable > 0 {
				w[1] += d
			} else {
				w[0] += d
			}
			s.byRunning[running] = w
			// A P runs no goroutine but is not free: a call holds it.
			if runnable > 0 && len(heldBy) > 0 {
				s.heldWhileWaiting += d
				for _, g := range heldBy {
					s.calls[inCall[g]] += d
				}
			}
		}
		last = ev.Time()
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		switch st.Resource.Kind {
		case trace.ResourceProc:
			_, to := st.Proc()
			id := st.Resource.Proc()
			if to != trace.ProcRunning {
				delete(heldBy, id) // the P left the goroutine in its call
			}
		case trace.ResourceGoroutine:
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			if from == to {
				continue // a generation's status, no change
			}
			for p, g := range heldBy {
				if g == id {
					delete(heldBy, p)
				}
			}
			if from == trace.GoRunning && to == trace.GoSyscall && ev.Proc() != trace.NoProc {
				heldBy[ev.Proc()] = id
			}
			switch goState[id] {
			case trace.GoRunning:
				running--
			case trace.GoRunnable:
				runnable--
			}
			goState[id] = to
			switch to {
			case trace.GoRunning:
				running++
			case trace.GoRunnable:
				runnable++
			}
			delete(inCall, id)
			if to == trace.GoSyscall {
				inCall[id] = callName(st.Stack, module)
			}
		}
	}
	s.total = time.Duration(last - first)
	return s, nil
}

// callName names a system call by its innermost frame and the innermost
// frame of the module.
func callName(stk trace.Stack, module string) string {
	var inner, mine string
	for fr := range stk.Frames() {
		if inner == "" {
			inner = fr.Func
		}
		if strings.HasPrefix(fr.Func, module) {
			mine = fr.Func
			break
		}
	}
	if mine == "" || mine == inner {
		return inner
	}
	return inner + " in " + mine
}

func (s *state) print(w io.Writer) {
	pct := func(d time.Duration) string {
		return fmt.Sprintf("%7.1f ms %5.1f %%", float64(d)/1e6, 100*float64(d)/float64(s.total))
	}
	fmt.Fprintf(w, "trace of %.3f s\n", s.total.Seconds())
	var ns []int
	for n := range s.byRunning {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		fmt.Fprintf(w, "%d goroutines running, none runnable:  %s\n", n, pct(s.byRunning[n][0]))
		fmt.Fprintf(w, "%d goroutines running, others waiting: %s\n", n, pct(s.byRunning[n][1]))
	}
	fmt.Fprintf(w, "a P held in a system call while goroutines waited: %s\n", pct(s.heldWhileWaiting))
	type call struct {
		name string
		d    time.Duration
	}
	var cs []call
	for name, d := range s.calls {
		cs = append(cs, call{name, d})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d > cs[j].d })
	for _, c := range cs {
		if c.d < time.Millisecond {
			break
		}
		fmt.Fprintf(w, "  in progress: %s  %s\n", pct(c.d), c.name)
	}
}
