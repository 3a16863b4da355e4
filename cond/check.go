package cond

import (
	"fmt"
	"slices"
	"strings"
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
			if c.Fn == "phase" {
				allowed = PhaseStatuses
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
	case "provision":
		if !slices.Contains(names.Provisions, c.Operand) {
			return 0, &Error{c.ArgCol, fmt.Sprintf("no provision %q", c.Operand)}
		}
		return kName, nil
	case "phase":
		if !slices.Contains(names.Phases, c.Operand) {
			return 0, &Error{c.ArgCol, fmt.Sprintf("no phase %q", c.Operand)}
		}
		return kName, nil
	case "since":
		if !eventExists(c.Operand, names) {
			return 0, &Error{c.ArgCol, fmt.Sprintf("no event %q (signature, phase:ID, provision:ID or one of %v)", c.Operand, names.Events)}
		}
		return kDur, nil
	}
	seen := map[string]bool{}
	for _, a := range c.Args {
		if seen[a.Name] {
			return 0, &Error{a.Col, fmt.Sprintf("%s given twice", a.Name)}
		}
		seen[a.Name] = true
		if err := checkFilter(c.Fn, a, names); err != nil {
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
	want := "party, rule, severity, within"
	if fn == "findings" {
		want = "party, outcome, within"
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
