package negotiate

import (
	"math"
	"math/big"
	"math/bits"
	"sort"
)

// space is the search space of one question: the issues in search order,
// each issue's options grouped into classes that no party of the space can
// tell apart, and per-party contributions ready for bounds.
type space struct {
	m           *Model
	parties     []int     // model party index per space party
	constrained []bool    // per space party: must accept the package
	batna       []float64 // per space party
	np, nd      int
	issue       []int     // depth -> issue index
	classes     [][]class // depth -> classes
	u           [][]float64
	red         [][]int       // depth -> class -> red lines of constrained parties (keepRed only)
	sufMax      [][]float64   // [depth][party]: Σ over deeper-or-equal depths of the best class
	sufMin      [][]float64   // same, worst class
	sufProd     []uint64      // number of packages below a depth (when it fits)
	sufProdBig  []*big.Int    // the same, exact
	inter       []spaceInter  // interactions of space parties still alive
	touch       [][]touchItem // depth -> interactions that name that depth
	base        []float64     // per party: bonuses whose `when` is empty
	pos0, neg0  []float64     // per party: pending positive / negative bonuses
	empty       bool          // some issue has no option left: no package at all

	// stop, when set, is asked every stopEvery nodes whether to give up
	// (Options.Context is done); once it says yes, halted makes every node
	// infeasible so the search unwinds at once. Its result is then
	// meaningless: the caller returns the context's error instead.
	stop   func() bool
	ticks  uint32
	halted bool
}

// stopEvery is how many feasibility tests pass between two looks at
// space.stop: a few microseconds of search, so a stop is seen at once.
const stopEvery = 1 << 12

type class struct {
	opt     int   // representative option
	members []int // every option of the class (opt first)
}

type spaceInter struct {
	party, n int
	bonus    float64
}

type touchItem struct{ inter, class int }

// spaceOpts chooses what a space keeps.
type spaceOpts struct {
	parties     []int  // model parties in the space
	constrained []bool // which of them must accept
	keepRed     bool   // keep red-line options (as singleton classes) instead of removing them
}

// newSpace builds the search space. Options that are a red line of a
// constrained party are removed unless keepRed.
func newSpace(m *Model, o spaceOpts) *space {
	s := &space{m: m, parties: o.parties, constrained: o.constrained, np: len(o.parties), nd: len(m.Options)}
	s.batna = make([]float64, s.np)
	weights := make([][]float64, s.np)
	for p, mi := range s.parties {
		s.batna[p] = m.Parties[mi].BATNA
		weights[p] = m.Parties[mi].weights(nil)
	}
	// Options named by an interaction of a space party are never merged.
	inInter := make([]map[int]bool, s.nd)
	for k := range inInter {
		inInter[k] = map[int]bool{}
	}
	for _, mi := range s.parties {
		for _, in := range m.Parties[mi].Inter {
			for _, c := range in.Pairs {
				inInter[c.Issue][c.Option] = true
			}
		}
	}
	type issueClasses struct {
		k       int
		classes []class
		spread  float64
	}
	all := make([]issueClasses, s.nd)
	for k, n := range m.Options {
		var cls []class
		keys := map[string]int{}
		for opt := 0; opt < n; opt++ {
			red := 0
			for p, mi := range s.parties {
				if s.constrained[p] && m.Parties[mi].Red[k][opt] {
					red++
				}
			}
			if red > 0 && !o.keepRed {
				continue
			}
			key := ""
			if red == 0 && !inInter[k][opt] {
				b := make([]byte, 0, 8*s.np)
				for p, mi := range s.parties {
					v := math.Float64bits(weights[p][k] * m.Parties[mi].Raw[k][opt])
					b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
				}
				key = string(b)
				if ci, ok := keys[key]; ok {
					cls[ci].members = append(cls[ci].members, opt)
					continue
				}
				keys[key] = len(cls)
			}
			cls = append(cls, class{opt: opt, members: []int{opt}})
		}
		if len(cls) == 0 {
			s.empty = true
		}
		spread := 0.0
		for p, mi := range s.parties {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, c := range cls {
				v := weights[p][k] * m.Parties[mi].Raw[k][c.opt]
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			if len(cls) > 0 {
				spread += hi - lo
			}
		}
		all[k] = issueClasses{k: k, classes: cls, spread: spread}
	}
	// Most decisive issues first: bounds tighten fastest.
	sort.SliceStable(all, func(a, b int) bool {
		ba, bb := len(all[a].classes) > 1, len(all[b].classes) > 1
		if ba != bb {
			return ba
		}
		return all[a].spread > all[b].spread
	})
	depthOf := make([]int, s.nd)
	for d, ic := range all {
		s.issue = append(s.issue, ic.k)
		s.classes = append(s.classes, ic.classes)
		depthOf[ic.k] = d
		u := make([]float64, len(ic.classes)*s.np)
		red := make([]int, len(ic.classes))
		for c, cl := range ic.classes {
			for p, mi := range s.parties {
				u[c*s.np+p] = weights[p][ic.k] * m.Parties[mi].Raw[ic.k][cl.opt]
				if s.constrained[p] && m.Parties[mi].Red[ic.k][cl.opt] {
					red[c]++
				}
			}
		}
		s.u = append(s.u, u)
		s.red = append(s.red, red)
	}
	s.suffixes()
	s.interactions(depthOf)
	return s
}

func (s *space) suffixes() {
	s.sufMax = make([][]float64, s.nd+1)
	s.sufMin = make([][]float64, s.nd+1)
	s.sufProd = make([]uint64, s.nd+1)
	s.sufProdBig = make([]*big.Int, s.nd+1)
	s.sufMax[s.nd] = make([]float64, s.np)
	s.sufMin[s.nd] = make([]float64, s.np)
	s.sufProd[s.nd] = 1
	s.sufProdBig[s.nd] = big.NewInt(1)
	for d := s.nd - 1; d >= 0; d-- {
		s.sufMax[d] = make([]float64, s.np)
		s.sufMin[d] = make([]float64, s.np)
		for p := 0; p < s.np; p++ {
			hi, lo := math.Inf(-1), math.Inf(1)
			for c := range s.classes[d] {
				v := s.u[d][c*s.np+p]
				hi, lo = math.Max(hi, v), math.Min(lo, v)
			}
			if len(s.classes[d]) == 0 {
				hi, lo = 0, 0
			}
			s.sufMax[d][p] = s.sufMax[d+1][p] + hi
			s.sufMin[d][p] = s.sufMin[d+1][p] + lo
		}
		n := 0
		for _, c := range s.classes[d] {
			n += len(c.members)
		}
		s.sufProdBig[d] = new(big.Int).Mul(s.sufProdBig[d+1], big.NewInt(int64(n)))
		if s.sufProdBig[d].IsUint64() {
			s.sufProd[d] = s.sufProdBig[d].Uint64()
		}
	}
}

func (s *space) interactions(depthOf []int) {
	s.touch = make([][]touchItem, s.nd)
	s.base = make([]float64, s.np)
	s.pos0 = make([]float64, s.np)
	s.neg0 = make([]float64, s.np)
	for p, mi := range s.parties {
	next:
		for _, in := range s.m.Parties[mi].Inter {
			if len(in.Pairs) == 0 {
				s.base[p] += in.Bonus
				continue
			}
			items := make([]touchItem, 0, len(in.Pairs))
			for _, c := range in.Pairs {
				d := depthOf[c.Issue]
				ci := -1
				for i, cl := range s.classes[d] {
					if cl.opt == c.Option {
						ci = i
					}
				}
				if ci < 0 {
					continue next // its option is out of the space: it can never hold
				}
				items = append(items, touchItem{class: ci})
			}
			j := len(s.inter)
			s.inter = append(s.inter, spaceInter{party: p, n: len(in.Pairs), bonus: in.Bonus})
			for i, c := range in.Pairs {
				items[i].inter = j
				d := depthOf[c.Issue]
				s.touch[d] = append(s.touch[d], items[i])
			}
			if in.Bonus > 0 {
				s.pos0[p] += in.Bonus
			} else {
				s.neg0[p] += in.Bonus
			}
		}
	}
}

// walk is the mutable state of one depth-first search over a space: partial
// sums and pending bonuses per depth, so that going back up is free.
type walk struct {
	s             *space
	sum, pos, neg [][]float64 // [depth][party]
	match         []int       // per interaction: pairs matched so far
	cur           []int       // class chosen per depth
}

func (s *space) newWalk() *walk {
	w := &walk{s: s, match: make([]int, len(s.inter)), cur: make([]int, s.nd)}
	w.sum = make([][]float64, s.nd+1)
	w.pos = make([][]float64, s.nd+1)
	w.neg = make([][]float64, s.nd+1)
	for d := range w.sum {
		w.sum[d] = make([]float64, s.np)
		w.pos[d] = make([]float64, s.np)
		w.neg[d] = make([]float64, s.np)
	}
	copy(w.sum[0], s.base)
	copy(w.pos[0], s.pos0)
	copy(w.neg[0], s.neg0)
	return w
}

// down chooses class c at depth d, filling depth d+1's state.
func (w *walk) down(d, c int) {
	s := w.s
	w.cur[d] = c
	sum, pos, neg := w.sum[d+1], w.pos[d+1], w.neg[d+1]
	copy(pos, w.pos[d])
	copy(neg, w.neg[d])
	u := s.u[d][c*s.np : (c+1)*s.np]
	for p, v := range u {
		sum[p] = w.sum[d][p] + v
	}
	for _, t := range s.touch[d] {
		in := &s.inter[t.inter]
		alive := w.match[t.inter] >= 0
		if t.class == c {
			w.match[t.inter]++
			if !alive || w.match[t.inter] < in.n {
				continue
			}
			sum[in.party] += in.bonus // every pair holds: decided
		} else {
			w.match[t.inter] -= 1 << 20 // dead until we come back up
			if !alive {
				continue
			}
		}
		if in.bonus > 0 {
			pos[in.party] -= in.bonus
		} else {
			neg[in.party] -= in.bonus
		}
	}
}

// up undoes down(d, c).
func (w *walk) up(d, c int) {
	for _, t := range w.s.touch[d] {
		if t.class == c {
			w.match[t.inter]--
		} else {
			w.match[t.inter] += 1 << 20
		}
	}
}

// ub and lb bound party p's final utility below depth d.
func (w *walk) ub(d, p int) float64 { return w.sum[d][p] + w.s.sufMax[d][p] + w.pos[d][p] }
func (w *walk) lb(d, p int) float64 { return w.sum[d][p] + w.s.sufMin[d][p] + w.neg[d][p] }

// feasible reports whether every constrained party can still reach its BATNA.
func (w *walk) feasible(d int) bool {
	if w.s.stop != nil && w.s.stopped() {
		return false
	}
	for p, c := range w.s.constrained {
		if c && !geq(w.ub(d, p), w.s.batna[p]) {
			return false
		}
	}
	return true
}

// stopped reports whether the search was told to stop.
func (s *space) stopped() bool {
	if !s.halted {
		s.ticks++
		if s.ticks%stopEvery == 0 && s.stop() {
			s.halted = true
		}
	}
	return s.halted
}

// allIn reports whether every package below depth d meets every BATNA.
func (w *walk) allIn(d int) bool {
	for p, c := range w.s.constrained {
		if c && !geq(w.lb(d, p), w.s.batna[p]) {
			return false
		}
	}
	return true
}

// pkg returns the package (option per issue) of the current path, choosing
// prefer[k] where it belongs to the chosen class.
func (w *walk) pkg(prefer []int) []int {
	s := w.s
	out := make([]int, s.nd)
	for d, c := range w.cur {
		cl := s.classes[d][c]
		out[s.issue[d]] = cl.opt
		if prefer != nil {
			for _, o := range cl.members {
				if o == prefer[s.issue[d]] {
					out[s.issue[d]] = o
				}
			}
		}
	}
	return out
}

// bigCount accumulates an exact count.
type bigCount struct {
	lo  uint64
	big big.Int
}

func (b *bigCount) add(x uint64) {
	var carry uint64
	b.lo, carry = bits.Add64(b.lo, x, 0)
	if carry != 0 {
		b.big.Add(&b.big, new(big.Int).Lsh(big.NewInt(1), 64))
	}
}

// addMul adds mult × (packages below depth d).
func (b *bigCount) addMul(s *space, mult uint64, d int) {
	if s.sufProdBig[d].IsUint64() {
		if hi, lo := bits.Mul64(mult, s.sufProd[d]); hi == 0 {
			b.add(lo)
			return
		}
	}
	b.big.Add(&b.big, new(big.Int).Mul(new(big.Int).SetUint64(mult), s.sufProdBig[d]))
}

func (b *bigCount) value() *big.Int {
	return new(big.Int).Add(&b.big, new(big.Int).SetUint64(b.lo))
}
