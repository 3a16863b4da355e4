package cond

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Names are what a condition may name; Check refuses anything else.
type Names struct {
	Parties    []string
	Provisions []string
	Phases     []string
	// Events are named events besides signature, phase:ID and provision:ID.
	Events []string
	// Rules are the monitoring rules violations may carry (band:ID, zone:ID,
	// crossing, ceiling:...), each possibly a prefix ending in '*'; a filter
	// may end in '*' too.
	Rules []string
	// Self is the agreement's own id: a qualified name naming it is
	// refused (leave the qualifier out).
	Self string
	// Agreements are the other agreements of a set, by id, each with what
	// a condition may name of it: AGREEMENT/NAME in provision(), phase()
	// and since(), agreement=ID in violations() and findings(), and
	// agreement(ID). Nil when the agreement is checked alone: every
	// agreement named is then unknown.
	Agreements map[string]Names
}

// AgreementStatuses are the values of agreement(ID): not in force yet, in
// force, or in force with a snapback in effect.
var AgreementStatuses = []string{"pending", "in_force", "snapback"}

// other resolves an agreement a condition names, at a column.
func (n Names) other(id string, col int) (Names, error) {
	if id == n.Self && id != "" {
		return Names{}, &Error{col, fmt.Sprintf("%q is this agreement: leave the qualifier out", id)}
	}
	o, ok := n.Agreements[id]
	if ok {
		return o, nil
	}
	if n.Agreements == nil {
		return Names{}, &Error{col, fmt.Sprintf("unknown agreement %q: the agreement is checked alone (check it together with %s's file, as a set)", id, id)}
	}
	if len(n.Agreements) == 0 {
		return Names{}, &Error{col, fmt.Sprintf("unknown agreement %q: the set has no other agreement", id)}
	}
	ids := make([]string, 0, len(n.Agreements))
	for k := range n.Agreements {
		ids = append(ids, k)
	}
	slices.Sort(ids)
	return Names{}, &Error{col, fmt.Sprintf("unknown agreement %q (the set has %s)", id, strings.Join(ids, ", "))}
}

// Qualified splits a name AGREEMENT/NAME; ok is false for a name that is
// not qualified (a name of the agreement itself).
func Qualified(name string) (agreement, rest string, ok bool) {
	return strings.Cut(name, "/")
}

// qualified resolves an operand that may be qualified: the names it is
// checked against, the name within that agreement and its column.
func (n Names) qualified(operand string, col int) (Names, string, int, error) {
	id, rest, ok := Qualified(operand)
	if !ok {
		return n, operand, col, nil
	}
	o, err := n.other(id, col)
	if err != nil {
		return Names{}, "", 0, err
	}
	rcol := col + utf8.RuneCountInString(id) + 1
	if rest == "" {
		return Names{}, "", 0, &Error{rcol, fmt.Sprintf("%s/ names nothing: write AGREEMENT/NAME", id)}
	}
	return o, rest, rcol, nil
}

// Statuses of provisions and phases, severities and outcomes.
var (
	ProvisionStatuses = []string{"pending", "done", "overdue"}
	PhaseStatuses     = []string{"pending", "open", "suspended"}
	Severities        = []string{"minor", "major", "grave"}
	Outcomes          = []string{"upheld", "dismissed", "inconclusive"}
)

type kind int

const (
	kBool kind = iota
	kNum
	kDur
	kName
)

func (k kind) String() string {
	return [...]string{"a condition", "a count", "a duration", "a name"}[k]
}

// Check verifies that a condition is well typed (it must be true or false;
// comparisons join values of one kind) and names only what exists.
func Check(e *Expr, names Names) error {
	k, err := typeOf(e.Root, names)
	if err != nil {
		return err
	}
	if k != kBool {
		return &Error{e.Root.col(), fmt.Sprintf("%s is %s, not a condition: compare it (== != < <= > >=)", Format(e.Root), k)}
	}
	return nil
}

func typeOf(n Node, names Names) (kind, error) {
	switch n := n.(type) {
	case *Binary:
		for _, x := range []Node{n.L, n.R} {
			k, err := typeOf(x, names)
			if err != nil {
				return 0, err
			}
			if k != kBool {
				return 0, &Error{x.col(), fmt.Sprintf("%s is %s; %s joins conditions", Format(x), k, n.Op)}
			}
		}
		return kBool, nil
	case *Not:
		k, err := typeOf(n.X, names)
		if err != nil {
			return 0, err
		}
		if k != kBool {
			return 0, &Error{n.X.col(), fmt.Sprintf("not applies to a condition, not %s", k)}
		}
		return kBool, nil
	case *Compare:
		return compareType(n, names)
	case *Number:
		return kNum, nil
	case *Duration:
		return kDur, nil
	case *Name:
		if n.Text == "true" || n.Text == "false" {
			return kBool, nil
		}
		return kName, nil
	case *Call:
		return callType(n, names)
	}
	return 0, &Error{1, "unknown node"}
}

func compareType(n *Compare, names Names) (kind, error) {
	l, err := typeOf(n.L, names)
	if err != nil {
		return 0, err
	}
	r, err := typeOf(n.R, names)
	if err != nil {
		return 0, err
	}
	if l != r {
		return 0, &Error{n.Col, fmt.Sprintf("cannot compare %s (%s) with %s (%s)", Format(n.L), l, Format(n.R), r)}
	}
	if l == kName || l == kBool {
		if n.Op != "==" && n.Op != "!=" {
			return 0, &Error{n.Col, fmt.Sprintf("%s compares numbers and durations; names take == or !=", n.Op)}
		}
		// A status compared with a name: the name must be a status of it.
		for _, pair := range [][2]Node{{n.L, n.R}, {n.R, n.L}} {
			c, isCall := pair[0].(*Call)
			v, isName := pair[1].(*Name)
			if !isCall || !isName {
				continue
			}
			allowed := ProvisionStatuses
			switch c.Fn {
			case "phase":
				allowed = PhaseStatuses
			case "agreement":
				allowed = AgreementStatuses
			}
			if !slices.Contains(allowed, v.Text) {
				return 0, &Error{v.Col, fmt.Sprintf("%q is not a status of %s (want %s)", v.Text, c.Fn, strings.Join(allowed, ", "))}
			}
		}
	}
	return kBool, nil
}

func callType(c *Call, names Names) (kind, error) {
	switch c.Fn {
	case "agreement":
		if _, err := names.other(c.Operand, c.ArgCol); err != nil {
			return 0, err
		}
		return kName, nil
	case "provision", "phase", "since":
		in, id, col, err := names.qualified(c.Operand, c.ArgCol)
		if err != nil {
			return 0, err
		}
		switch {
		case c.Fn == "provision" && !slices.Contains(in.Provisions, id):
			return 0, &Error{col, fmt.Sprintf("no provision %q", id)}
		case c.Fn == "phase" && !slices.Contains(in.Phases, id):
			return 0, &Error{col, fmt.Sprintf("no phase %q", id)}
		case c.Fn == "since" && !eventExists(id, in):
			return 0, &Error{col, fmt.Sprintf("no event %q (signature, phase:ID, provision:ID or one of %v)", id, in.Events)}
		}
		if c.Fn == "since" {
			return kDur, nil
		}
		return kName, nil
	}
	// agreement=ID counts another agreement's violations or findings: the
	// other filters name that agreement's parties and rules.
	in := names
	for _, a := range c.Args {
		if a.Name != "agreement" {
			continue
		}
		v, ok := a.Value.(*Name)
		if !ok {
			return 0, &Error{a.Value.col(), fmt.Sprintf("agreement wants an agreement's id, got %s", Format(a.Value))}
		}
		if a.Op != "=" && a.Op != "==" {
			return 0, &Error{a.Col, fmt.Sprintf("agreement takes =, not %s", a.Op)}
		}
		o, err := names.other(v.Text, v.Col)
		if err != nil {
			return 0, err
		}
		in = o
	}
	seen := map[string]bool{}
	for _, a := range c.Args {
		if seen[a.Name] {
			return 0, &Error{a.Col, fmt.Sprintf("%s given twice", a.Name)}
		}
		seen[a.Name] = true
		if a.Name == "agreement" {
			continue
		}
		if err := checkFilter(c.Fn, a, in); err != nil {
			return 0, err
		}
	}
	return kNum, nil
}

func eventExists(ev string, names Names) bool {
	if ev == "signature" || slices.Contains(names.Events, ev) {
		return true
	}
	if id, ok := strings.CutPrefix(ev, "phase:"); ok {
		return slices.Contains(names.Phases, id)
	}
	if id, ok := strings.CutPrefix(ev, "provision:"); ok {
		return slices.Contains(names.Provisions, id)
	}
	return false
}

func checkFilter(fn string, a Arg, names Names) error {
	name := func() (string, error) {
		v, ok := a.Value.(*Name)
		if !ok {
			return "", &Error{a.Value.col(), fmt.Sprintf("%s wants a name, got %s", a.Name, Format(a.Value))}
		}
		return v.Text, nil
	}
	equality := func() error {
		if a.Op != "=" && a.Op != "==" && a.Op != "!=" {
			return &Error{a.Col, fmt.Sprintf("%s takes = or !=, not %s", a.Name, a.Op)}
		}
		return nil
	}
	switch {
	case a.Name == "party":
		v, err := name()
		if err == nil {
			err = equality()
		}
		if err == nil && !slices.Contains(names.Parties, v) {
			err = &Error{a.Value.col(), fmt.Sprintf("no party %q (want one of %s)", v, strings.Join(names.Parties, ", "))}
		}
		return err
	case a.Name == "within":
		if _, ok := a.Value.(*Duration); !ok || (a.Op != "=" && a.Op != "==") {
			return &Error{a.Col, "write within=DURATION, e.g. within=30d"}
		}
		return nil
	case a.Name == "severity" && fn == "violations":
		v, err := name()
		if err == nil && !slices.Contains(Severities, v) {
			err = &Error{a.Value.col(), fmt.Sprintf("no severity %q (want %s)", v, strings.Join(Severities, ", "))}
		}
		return err
	case a.Name == "rule" && fn == "violations":
		v, err := name()
		if err == nil {
			err = equality()
		}
		if err == nil && !ruleExists(v, names.Rules) {
			err = &Error{a.Value.col(), fmt.Sprintf("no rule %q in the monitoring section", v)}
		}
		return err
	case a.Name == "outcome" && fn == "findings":
		v, err := name()
		if err == nil {
			err = equality()
		}
		if err == nil && !slices.Contains(Outcomes, v) {
			err = &Error{a.Value.col(), fmt.Sprintf("no outcome %q (want %s)", v, strings.Join(Outcomes, ", "))}
		}
		return err
	}
	want := "agreement, party, rule, severity, within"
	if fn == "findings" {
		want = "agreement, party, outcome, within"
	}
	if fn == "exchanged" {
		want = "party, within"
	}
	return &Error{a.Col, fmt.Sprintf("%s has no filter %q (want %s)", fn, a.Name, want)}
}

// ruleExists reports whether a rule (or a prefix ending in '*') names a
// rule of the list, whose entries may be prefixes ending in '*' too.
func ruleExists(r string, rules []string) bool {
	prefix, wild := strings.CutSuffix(r, "*")
	for _, x := range rules {
		xp, xwild := strings.CutSuffix(x, "*")
		switch {
		case !wild && !xwild && x == r:
			return true
		case !wild && xwild && strings.HasPrefix(r, xp):
			return true
		case wild && !xwild && strings.HasPrefix(x, prefix):
			return true
		case wild && xwild && (strings.HasPrefix(xp, prefix) || strings.HasPrefix(prefix, xp)):
			return true
		}
	}
	return false
}

// Ref is a place where a condition names another agreement.
type Ref struct {
	Agreement string
	Col       int
}

// Refs lists where a condition names other agreements (AGREEMENT/NAME,
// agreement=ID, agreement(ID)), in the order of the source.
func Refs(e *Expr) []Ref {
	var out []Ref
	var walk func(n Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Binary:
			walk(n.L)
			walk(n.R)
		case *Not:
			walk(n.X)
		case *Compare:
			walk(n.L)
			walk(n.R)
		case *Call:
			switch n.Fn {
			case "agreement":
				out = append(out, Ref{n.Operand, n.ArgCol})
			case "provision", "phase", "since":
				if id, _, ok := Qualified(n.Operand); ok {
					out = append(out, Ref{id, n.ArgCol})
				}
			default:
				for _, a := range n.Args {
					if v, ok := a.Value.(*Name); ok && a.Name == "agreement" {
						out = append(out, Ref{v.Text, v.Col})
					}
				}
			}
		}
	}
	walk(e.Root)
	return out
}
