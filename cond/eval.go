package cond

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// Item is a violation or a finding in the record.
type Item struct {
	At       time.Time
	Party    string
	Rule     string // violations
	Severity string // violations
	Outcome  string // findings
	Count    int    // exchanges: the persons Party released
}

// Record is what a condition is evaluated over.
type Record interface {
	// Now is the record's clock: the time of the latest event.
	Now() time.Time
	Violations() []Item
	Findings() []Item
	// EventTime is when a named event happened, false when it has not.
	EventTime(event string) (time.Time, bool)
	ProvisionStatus(id string) string
	PhaseStatus(id string) string
}

// Linked is a Record of one agreement of a set, which reaches the records
// of the others. A Record that is not Linked (an agreement run alone) knows
// no other agreement: a comparison with a qualified name, agreement=ID or
// agreement(ID) is then false, whatever the operator.
type Linked interface {
	Record
	// Other is another agreement's record, nil when the set has none.
	Other(id string) Record
	// AgreementStatus is another agreement's status (AgreementStatuses),
	// "" when the set has none.
	AgreementStatus(id string) string
}

// other is the record an agreement names, nil if r does not reach it.
func other(r Record, id string) Record {
	l, ok := r.(Linked)
	if !ok {
		return nil
	}
	o := l.Other(id)
	if o == nil {
		return nil // a nil interface, whatever the implementation returned
	}
	return o
}

// resolve is the record and the name a possibly qualified operand names.
func resolve(r Record, operand string) (Record, string) {
	id, rest, ok := Qualified(operand)
	if !ok {
		return r, operand
	}
	return other(r, id), rest
}

// Eval evaluates a checked condition. A comparison with the time since an
// event that has not happened is false, whatever the operator.
func Eval(e *Expr, r Record) bool {
	v := eval(e.Root, r)
	return v.ok && v.b
}

type value struct {
	b   bool
	n   float64
	d   time.Duration // a duration's, to the nanosecond (n in seconds loses them)
	s   string
	ok  bool // false: since() of an event that has not happened
	knd kind
}

func eval(n Node, r Record) value {
	switch n := n.(type) {
	case *Binary:
		l := eval(n.L, r)
		if n.Op == "and" && !(l.ok && l.b) {
			return value{ok: true, knd: kBool}
		}
		if n.Op == "or" && l.ok && l.b {
			return value{b: true, ok: true, knd: kBool}
		}
		rv := eval(n.R, r)
		return value{b: rv.ok && rv.b, ok: true, knd: kBool}
	case *Not:
		x := eval(n.X, r)
		return value{b: !(x.ok && x.b), ok: true, knd: kBool}
	case *Compare:
		l, rv := eval(n.L, r), eval(n.R, r)
		if !l.ok || !rv.ok {
			return value{ok: true, knd: kBool}
		}
		return value{b: compare(n.Op, l, rv), ok: true, knd: kBool}
	case *Number:
		return value{n: n.V, ok: true, knd: kNum}
	case *Duration:
		return value{n: n.Seconds, d: n.nanoseconds(), ok: true, knd: kDur}
	case *Name:
		if n.Text == "true" || n.Text == "false" {
			return value{b: n.Text == "true", ok: true, knd: kBool}
		}
		return value{s: n.Text, ok: true, knd: kName}
	case *Call:
		return call(n, r)
	}
	return value{}
}

func compare(op string, l, r value) bool {
	if l.knd == kName || l.knd == kBool {
		eq := l.s == r.s && l.b == r.b
		return (op == "==") == eq
	}
	if l.knd == kDur && r.knd == kDur {
		// To the nanosecond: as float64 seconds a time past about 194
		// days loses its last nanoseconds (since(X) >= 365d held 1 ns
		// early).
		c := cmp.Compare(l.d, r.d)
		switch op {
		case "==":
			return c == 0
		case "!=":
			return c != 0
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		}
		return false
	}
	switch op {
	case "==":
		return l.n == r.n
	case "!=":
		return l.n != r.n
	case "<":
		return l.n < r.n
	case "<=":
		return l.n <= r.n
	case ">":
		return l.n > r.n
	case ">=":
		return l.n >= r.n
	}
	return false
}

func call(c *Call, r Record) value {
	switch c.Fn {
	case "agreement":
		l, ok := r.(Linked)
		if !ok {
			return value{knd: kName}
		}
		st := l.AgreementStatus(c.Operand)
		return value{s: st, ok: st != "", knd: kName}
	case "provision", "phase", "since":
		// A qualified name is read in the other agreement's record; the
		// time since its event is counted on this record's clock.
		in, id := resolve(r, c.Operand)
		if in == nil {
			return value{} // not ok: every comparison with it is false
		}
		switch c.Fn {
		case "provision":
			return value{s: in.ProvisionStatus(id), ok: true, knd: kName}
		case "phase":
			return value{s: in.PhaseStatus(id), ok: true, knd: kName}
		}
		t, ok := in.EventTime(id)
		d := r.Now().Sub(t)
		return value{n: d.Seconds(), d: d, ok: ok, knd: kDur}
	case "exchanged":
		return exchanged(c, r)
	}
	in := r
	for _, a := range c.Args {
		if a.Name == "agreement" {
			if in = other(r, a.Value.(*Name).Text); in == nil {
				return value{knd: kNum}
			}
		}
	}
	items := in.Violations()
	if c.Fn == "findings" {
		items = in.Findings()
	}
	n := 0
	for _, it := range items {
		if matches(c.Args, it, r.Now()) {
			n++
		}
	}
	return value{n: float64(n), ok: true, knd: kNum}
}

func matches(args []Arg, it Item, now time.Time) bool {
	for _, a := range args {
		var ok bool
		switch a.Name {
		case "agreement":
			ok = true // chose the record counted
		case "within":
			d := a.Value.(*Duration)
			ok = !it.At.Before(now.Add(-d.nanoseconds())) && !it.At.After(now)
		case "party":
			ok = equal(a.Op, it.Party, a.Value.(*Name).Text)
		case "outcome":
			ok = equal(a.Op, it.Outcome, a.Value.(*Name).Text)
		case "rule":
			want := a.Value.(*Name).Text
			eq := it.Rule == want
			if p, wild := strings.CutSuffix(want, "*"); wild {
				eq = strings.HasPrefix(it.Rule, p)
			}
			ok = (a.Op != "!=") == eq
		case "severity":
			l, rv := slices.Index(Severities, it.Severity), slices.Index(Severities, a.Value.(*Name).Text)
			op := a.Op
			if op == "=" {
				op = "=="
			}
			ok = compare(op, value{n: float64(l), ok: true, knd: kNum}, value{n: float64(rv), ok: true, knd: kNum})
		}
		if !ok {
			return false
		}
	}
	return true
}

func equal(op, got, want string) bool { return (op != "!=") == (got == want) }

// nanoseconds is a duration literal to the nanosecond, rounded (1.001s is
// 1,001,000,000 ns: its seconds times 10⁹ are 1,000,999,999.9999999).
func (n *Duration) nanoseconds() time.Duration {
	return time.Duration(math.Round(n.Seconds * float64(time.Second)))
}
