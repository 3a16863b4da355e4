package negotiate

// RedLine is one red line of one party.
type RedLine struct {
	Party  string `json:"party"`
	Issue  string `json:"issue"`
	Option string `json:"option"`
}

// Conflicts explains an empty acceptable set.
type Conflicts struct {
	// Reservation is true when no package meets every veto party's BATNA even
	// with every red line lifted: the reservation values themselves conflict.
	Reservation bool
	// MinSize is the least number of red lines whose lifting makes the
	// acceptable set non-empty (0 when Reservation).
	MinSize int
	// Sets lists every set of MinSize red lines that does it, when MinSize ≤ 3.
	Sets [][]RedLine
	// Exact is false when the budget cut the search: then Reservation is
	// false and MinSize is 0 when no package meeting every BATNA was found
	// (which does not show that none exists), and otherwise MinSize is an
	// upper bound and Sets may be incomplete.
	Exact bool
}

// maxConflictSize is the largest set of red lines the spec asks for.
const maxConflictSize = 3

// blockingRedLines finds the smallest sets of veto red lines that block
// agreement. A package that meets every BATNA and crosses the red lines C is
// acceptable once C is lifted, and a minimum set is exactly such a C; so a
// least-crossing search gives the size, and each candidate set of that size
// is then tested for a package crossing no other red line.
func blockingRedLines(m *Model, o Options) Conflicts {
	budget := o.budget()
	s := newSpace(m, spaceOpts{parties: m.Veto, constrained: allTrue(len(m.Veto)), keepRed: true})
	s.stop = o.stopper()
	min := &minRed{s: s, w: s.newWalk(), best: 1 << 30, budget: budget}
	if !s.empty {
		min.visit(0, 0)
	}
	if min.best == 1<<30 {
		// Only a finished search shows that no package meets the BATNAs;
		// a cut one found nothing, which shows nothing.
		exact := min.nodes <= budget
		return Conflicts{Reservation: exact, Exact: exact}
	}
	out := Conflicts{MinSize: min.best, Exact: min.nodes <= budget}
	if min.best > maxConflictSize {
		return out
	}
	// Every red line of a veto party, in scenario order.
	var all []RedLine
	var where []Choice
	for _, pi := range m.Veto {
		p := &m.Parties[pi]
		for k, is := range m.Scenario.Issues {
			for o := range is.Options {
				if p.Red[k][o] {
					all = append(all, RedLine{p.ID, is.ID, is.Options[o].ID})
					where = append(where, Choice{k, o})
				}
			}
		}
	}
	var nodes int64
	var pick func(start int, chosen []int)
	pick = func(start int, chosen []int) {
		if s.halted {
			return
		}
		if len(chosen) == out.MinSize {
			lifted := make([]Choice, len(chosen))
			for i, c := range chosen {
				lifted[i] = where[c]
			}
			found, n := liftable(s, lifted, budget)
			nodes += n
			if found {
				set := make([]RedLine, len(chosen))
				for i, c := range chosen {
					set[i] = all[c]
				}
				out.Sets = append(out.Sets, set)
			}
			return
		}
		for i := start; i < len(all); i++ {
			ok := true
			for _, c := range chosen { // one package picks one option per issue
				if where[c].Issue == where[i].Issue && where[c].Option != where[i].Option {
					ok = false
				}
			}
			if ok {
				pick(i+1, append(chosen, i))
			}
		}
	}
	pick(0, nil)
	if nodes > budget {
		out.Exact = false
	}
	return out
}

// liftable reports whether some package meets every BATNA while crossing no
// red line but the lifted ones (each (issue, option) listed once per party).
func liftable(s *space, lifted []Choice, budget int64) (bool, int64) {
	allowed := make([][]bool, s.nd)
	for d, k := range s.issue {
		allowed[d] = make([]bool, len(s.classes[d]))
		for c, cl := range s.classes[d] {
			n := 0
			for _, l := range lifted {
				if l.Issue == k && l.Option == cl.opt {
					n++
				}
			}
			allowed[d][c] = n == s.red[d][c]
		}
	}
	w := s.newWalk()
	var nodes int64
	var visit func(d int) bool
	visit = func(d int) bool {
		nodes++
		if !w.feasible(d) || nodes > budget {
			return false
		}
		if d == s.nd {
			return true
		}
		for c := range s.classes[d] {
			if !allowed[d][c] {
				continue
			}
			w.down(d, c)
			ok := visit(d + 1)
			w.up(d, c)
			if ok {
				return true
			}
		}
		return false
	}
	return !s.empty && visit(0), nodes
}

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

// minRed finds the least number of red lines a package meeting every BATNA
// must cross.
type minRed struct {
	s      *space
	w      *walk
	best   int
	nodes  int64
	budget int64
}

func (r *minRed) visit(d, cost int) {
	r.nodes++
	if cost >= r.best || !r.w.feasible(d) || r.nodes > r.budget {
		return
	}
	if d == r.s.nd {
		r.best = cost
		return
	}
	for pass := 0; pass < 2; pass++ { // red-free options first
		for c := range r.s.classes[d] {
			if (r.s.red[d][c] == 0) != (pass == 0) {
				continue
			}
			r.w.down(d, c)
			r.visit(d+1, cost+r.s.red[d][c])
			r.w.up(d, c)
		}
	}
}
