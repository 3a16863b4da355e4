package forecast

import (
	"math"
	"runtime"
	"sync"
)

// SMPOptions tunes the SMP. The zero value is KTAB's default run.
type SMPOptions struct {
	// Turns, when > 0, runs exactly that many turns. Zero applies KTAB's
	// stopping rule: at least 2 turns, at most 100, stopping once a turn
	// moves the actors less than 2% of what the first turn moved them.
	Turns int
	// Workers is how many goroutines share a turn's work (the actors'
	// challenges and choices); 0 means GOMAXPROCS, 1 runs on one thread.
	// The result does not depend on it.
	Workers int
}

// KTAB's stopping rule (smp.cpp, configExec and smpStopFn).
const (
	smpMinTurns      = 2
	smpMaxTurns      = 100
	smpMinDeltaRatio = 0.02
	smpMinSigDelta   = 1e-4
)

// SMP runs KTAB's spatial model of politics with KTAB's default parameters
// (docs/forecast.md): proportional voting, the linear victory probability,
// the conditional probabilistic Condorcet election, deterministic state
// transitions, risk attitudes inferred from the election on the "mid" range
// and adjusted by one third, semi-committed third parties, bargains
// interpolated by the initiator alone with squared salience × squared
// probability weights, and ideals that follow positions. Positions are read
// as 0..100.
func SMP(in *Input, opt SMPOptions) (*Forecast, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	m := newSMPModel(in, opt.Workers)
	states := [][][]float64{in.positions()}
	pos := m.scaled(states[0])
	first := 0.0
	for turn := 1; ; turn++ {
		next := m.turn(pos)
		moved := stateDist(pos, next)
		pos = next
		states = append(states, m.unscaled(pos))
		if turn == 1 {
			first = moved + smpMinSigDelta
		}
		if opt.Turns > 0 {
			if turn >= opt.Turns {
				break
			}
			continue
		}
		if turn >= smpMaxTurns || (turn >= smpMinTurns && moved/first < smpMinDeltaRatio) {
			break
		}
	}
	return newForecast("smp", in, states), nil
}

// smpModel holds what does not change between turns, on KTAB's internal
// 0..1 scale.
type smpModel struct {
	na, nd  int
	cap     []float64   // power
	sal     [][]float64 // [actor][dim] salience / 100
	salSum  []float64   // Σ_d sal
	workers int
}

func newSMPModel(in *Input, workers int) *smpModel {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := &smpModel{na: len(in.Actors), nd: len(in.Dimensions), workers: workers}
	for _, a := range in.Actors {
		m.cap = append(m.cap, a.Power)
		s := make([]float64, m.nd)
		sum := 0.0
		for d := range s {
			s[d] = a.Salience[d] / 100
			sum += s[d]
		}
		m.sal = append(m.sal, s)
		m.salSum = append(m.salSum, sum)
	}
	return m
}

func (m *smpModel) scaled(st [][]float64) [][]float64 {
	out := make([][]float64, len(st))
	for i, p := range st {
		out[i] = make([]float64, len(p))
		for d, x := range p {
			out[i][d] = x / 100
		}
	}
	return out
}

func (m *smpModel) unscaled(st [][]float64) [][]float64 {
	out := make([][]float64, len(st))
	for i, p := range st {
		out[i] = make([]float64, len(p))
		for d, x := range p {
			out[i][d] = x * 100
		}
	}
	return out
}

// parallel runs f(i) for i in 0..n-1 on the model's workers.
func (m *smpModel) parallel(n int, f func(i int)) {
	if m.workers <= 1 || n < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(m.workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// stateDist is KTAB's distance between states: the sum over actors of the
// Euclidean distance between their positions.
func stateDist(a, b [][]float64) float64 {
	s := 0.0
	for i := range a {
		d2 := 0.0
		for d := range a[i] {
			x := a[i][d] - b[i][d]
			d2 += x * x
		}
		s += math.Sqrt(d2)
	}
	return s
}

// salDiff is KTAB's salience-weighted distance between an actor's ideal and
// a position: sqrt(Σ (s·Δ)² / Σ s²), in 0..1. An actor that cares about no
// dimension sees no distance.
func salDiff(ideal, p, s []float64) float64 {
	var ds2, s2 float64
	for d := range ideal {
		x := (ideal[d] - p[d]) * s[d]
		ds2 += x * x
		s2 += s[d] * s[d]
	}
	if s2 <= 0 {
		return 0
	}
	return math.Sqrt(ds2 / s2)
}

// riskUtil is KTAB's utility of a position at normalised distance sd for an
// actor of risk attitude R in -1..1: (1 - sd)(1 + sd·R).
func riskUtil(sd, r float64) float64 {
	if sd <= 1 {
		return (1 - sd) * (1 + sd*r)
	}
	return (1 - sd) * (1 + r)
}
