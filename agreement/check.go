package agreement

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord/cond"
)

// MaxDays is the longest period an agreement may state, in days (a
// century): no agreement runs longer, and the engine's clock arithmetic
// (time.Duration, about 292 years) would wrap past it, putting a deadline
// before its start.
const MaxDays = 36500

// ParseDuration reads a duration of days, hours, minutes or seconds: 30d,
// 12h, 90m, 45s; at most MaxDays days.
func ParseDuration(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("%q: want a duration such as 30d, 12h, 90m", s)
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}[s[len(s)-1]]
	var n int
	if _, err := fmt.Sscanf(s[:len(s)-1], "%d", &n); err != nil || unit == 0 || n < 0 || fmt.Sprint(n) != s[:len(s)-1] {
		return 0, fmt.Errorf("%q: want a duration such as 30d, 12h, 90m", s)
	}
	if limit := MaxDays * 24 * time.Hour / unit; time.Duration(n) > limit {
		return 0, fmt.Errorf("%q: at most %d days (a century), %d%c", s, MaxDays, limit, s[len(s)-1])
	}
	return time.Duration(n) * unit, nil
}

// Names are what the agreement's conditions may name.
func (a *Agreement) Names() cond.Names {
	n := cond.Names{Parties: slices.Clone(a.Parties), Events: []string{"snapback"}, Self: a.ID}
	for _, r := range a.Roles {
		if !slices.Contains(n.Parties, r.Actor) {
			n.Parties = append(n.Parties, r.Actor)
		}
	}
	for _, p := range a.Provisions {
		n.Provisions = append(n.Provisions, p.ID)
	}
	n.Rules = append(n.Rules, a.exchangeRules()...)
	for _, p := range a.Phases {
		n.Phases = append(n.Phases, p.ID)
	}
	if m := a.Monitoring; m != nil {
		for _, b := range m.Bands {
			n.Rules = append(n.Rules, "band:"+b.ID)
		}
		if m.Crossing != nil {
			n.Rules = append(n.Rules, "crossing")
		}
		if m.Overflight != nil {
			n.Rules = append(n.Rules, "overflight")
		}
		for _, z := range m.Zones {
			prefix := "zone:"
			if z.Fire == FireFrom {
				prefix = "zone-from:"
			}
			if z.Zone != "" {
				n.Rules = append(n.Rules, prefix+z.Zone)
			} else {
				n.Rules = append(n.Rules, prefix+"*") // zones of a role: known with the geometry
			}
		}
		for _, c := range m.Ceilings {
			n.Rules = append(n.Rules, c.Rule())
		}
		for _, p := range m.Presence {
			n.Rules = append(n.Rules, p.Rule())
		}
		if m.Corridor != nil {
			n.Rules = append(n.Rules, m.Corridor.rules()...)
		}
	}
	return n
}

// checkPhased checks everything but the monitoring section: roles,
// provisions, phases, consultation and enforcement. It parses the
// conditions, which may name the agreements of others (nil: none).
func (a *Agreement) checkPhased(others map[string]cond.Names) []string {
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	if a.Date != "" {
		d, err := time.Parse("2006-01-02", a.Date)
		if err != nil {
			add("date: want YYYY-MM-DD, got %q", a.Date)
		}
		a.date = d
	}
	names := a.Names()
	names.Agreements = others
	roles := []string{RoleNegotiator, RoleGuarantor, RoleImplementer, RoleMonitor, RoleVerifier}
	for i, r := range a.Roles {
		if r.Actor == "" {
			add("roles[%d].actor: missing", i)
		}
		if !slices.Contains(roles, r.Role) {
			add("roles[%d].role: %q is not one of %s", i, r.Role, strings.Join(roles, ", "))
		}
	}
	ids := map[string]bool{}
	for i, p := range a.Provisions {
		at := fmt.Sprintf("provisions[%d]", i)
		if p.ID != "" {
			at += fmt.Sprintf(" (%s)", p.ID)
		}
		if p.ID == "" || ids[p.ID] {
			add("%s.id: missing or repeated", at)
		}
		ids[p.ID] = true
		if len(p.Obliged) == 0 {
			add("%s.obliged: nobody is obliged to this provision", at)
		}
		for _, o := range p.Obliged {
			if !slices.Contains(names.Parties, o) {
				add("%s.obliged: %q is neither a party nor an actor with a role", at, o)
			}
		}
		switch {
		case p.DueDate != "" && (p.After != "" || p.Within != ""):
			add("%s: give either due_date or after/within", at)
		case p.DueDate != "":
			d, err := time.Parse("2006-01-02", p.DueDate)
			if err != nil {
				add("%s.due_date: want YYYY-MM-DD, got %q", at, p.DueDate)
			} else if !a.date.IsZero() && d.Before(a.date) {
				add("%s.due_date: %s is before the agreement's date %s: a deadline in the past", at, p.DueDate, a.Date)
			}
		case p.Within != "":
			if _, err := ParseDuration(p.Within); err != nil {
				add("%s.within: %v", at, err)
			}
			if p.After == "" {
				add("%s.after: name the event the deadline counts from (signature, phase:ID, provision:ID)", at)
			}
		}
		if p.After != "" {
			e, err := cond.Parse("since(" + p.After + ") >= 0d")
			if err == nil {
				err = cond.Check(e, names)
			}
			var cerr *cond.Error
			switch {
			case errors.As(err, &cerr) && strings.Contains(cerr.Msg, "agreement"):
				add("%s.after: %s", at, cerr.Msg)
			case err != nil:
				add("%s.after: no event %q (signature, phase:ID, provision:ID)", at, p.After)
			}
			if p.After == "provision:"+p.ID {
				add("%s.after: a provision cannot count from itself", at)
			}
		}
		switch p.Nature {
		case "", "permanent":
		case "temporary":
			if p.Expires == "" && p.Review == "" {
				add("%s: a temporary provision needs expires or review", at)
			}
		default:
			add("%s.nature: %q: want permanent or temporary", at, p.Nature)
		}
		for _, d := range []struct{ f, v string }{{"expires", p.Expires}, {"review", p.Review}} {
			if d.v != "" {
				if _, err := ParseDuration(d.v); err != nil {
					add("%s.%s: %v", at, d.f, err)
				}
			}
		}
		if p.Legal != "" && p.Legal != "de_facto" && p.Legal != "de_jure" {
			add("%s.legal: %q: want de_facto or de_jure", at, p.Legal)
		}
	}
	probs = append(probs, a.checkExchanges(names)...)
	probs = append(probs, a.checkPhases(names)...)
	for actor, k := range a.Keys {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) != ed25519.PublicKeySize {
			add("keys.%s: not a base64 ed25519 public key", actor)
		}
	}
	if c := a.Consultation; c != nil {
		for _, d := range []struct {
			f string
			v int
		}{{"response_days", c.ResponseDays}, {"joint_days", c.JointDays}, {"ministers_days", c.MinistersDays}, {"advisory_days", c.AdvisoryDays}} {
			if d.v <= 0 || d.v > MaxDays {
				add("consultation.%s: must be from 1 to %d days (a century), got %d", d.f, MaxDays, d.v)
			}
		}
		if g := len(a.Guarantors()); c.Quorum < 1 || c.Quorum > g {
			add("consultation.quorum: %d, but there are %d guarantors (roles with role: guarantor)", c.Quorum, g)
		}
		for i, s := range c.Severity {
			if !slices.Contains(cond.Severities, s.Severity) {
				add("consultation.severity[%d].severity: %q: want %s", i, s.Severity, strings.Join(cond.Severities, ", "))
			}
			e, err := cond.Parse("violations(rule=" + s.Rule + ") == 0")
			if err == nil {
				err = cond.Check(e, names)
			}
			if err != nil {
				add("consultation.severity[%d].rule: no rule %q in the monitoring section", i, s.Rule)
			}
		}
	}
	if e := a.Enforcement; e != nil {
		tids := map[string]bool{}
		for i := range e.Tranches {
			t := &e.Tranches[i]
			at := fmt.Sprintf("enforcement.tranches[%d]", i)
			if t.ID == "" || tids[t.ID] {
				add("%s.id: missing or repeated", at)
			}
			tids[t.ID] = true
			ex, err := parseCond(t.Release, names)
			if err != nil {
				add("%s.release: %v", at, err)
			}
			t.release = ex
		}
		if e.SnapbackDays < 0 || e.SnapbackDays > MaxDays {
			add("enforcement.snapback_days: must be from 0 to %d days (a century), got %d", MaxDays, e.SnapbackDays)
		}
		if e.SnapbackAt != "" && e.SnapbackAt != SnapbackMidnight && e.SnapbackAt != SnapbackElapsed {
			add("enforcement.snapback_at: %q: want %s (the default: 00:00 UTC after the snapback_days-th day after the notification's) or %s (snapback_days × 24 h after the notification)", e.SnapbackAt, SnapbackMidnight, SnapbackElapsed)
		}
		for _, p := range e.SnapbackOn {
			if !slices.Contains(a.Parties, p) {
				add("enforcement.snapback_on: %q is not a party", p)
			}
		}
		if e.SuspendPhase != "" && !slices.Contains(names.Phases, e.SuspendPhase) {
			add("enforcement.suspend_phase: no phase %q", e.SuspendPhase)
		}
		if e.Lift != "" {
			ex, err := parseCond(e.Lift, names)
			switch {
			case err != nil:
				add("enforcement.lift: %v", err)
			case isFalse(ex):
				add("enforcement.lift: is false: the snapback can never be lifted (leave lift out for a snapback without one)")
			default:
				e.lift = ex
			}
		}
	}
	return probs
}

func parseCond(src string, names cond.Names) (*cond.Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, errors.New("missing condition")
	}
	e, err := cond.Parse(src)
	if err == nil {
		err = cond.Check(e, names)
	}
	return e, err
}

// isFalse reports whether a condition is the constant false.
func isFalse(e *cond.Expr) bool {
	n, ok := e.Root.(*cond.Name)
	return ok && n.Text == "false"
}

// checkPhases parses the entry conditions and refuses cycles: phases open in
// order, so a phase whose entry depends on itself or a later phase can never
// open.
func (a *Agreement) checkPhases(names cond.Names) []string {
	var probs []string
	seen := map[string]int{}
	for i := range a.Phases {
		p := &a.Phases[i]
		at := fmt.Sprintf("phases[%d]", i)
		if p.ID != "" {
			at += fmt.Sprintf(" (%s)", p.ID)
		}
		if _, dup := seen[p.ID]; p.ID == "" || dup {
			probs = append(probs, at+".id: missing or repeated")
		}
		seen[p.ID] = i
		e, err := parseCond(p.Entry, names)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s.entry: %v", at, err))
			continue
		}
		p.entry = e
		if isFalse(e) {
			probs = append(probs, fmt.Sprintf("%s.entry: is false: the phase can never open", at))
		}
	}
	// The phase a provision's deadline counts from, by provision: it is
	// overdue only once that phase is open.
	counted := map[string]string{}
	for _, pv := range a.Provisions {
		if ph, ok := strings.CutPrefix(pv.After, "phase:"); ok {
			counted[pv.ID] = ph
		}
	}
	for i := range a.Phases {
		p := &a.Phases[i]
		if p.entry == nil {
			continue
		}
		for _, ref := range phaseRefs(p.entry.Root, counted) {
			j, ok := seen[ref.phase]
			if ok && j >= i {
				what := "itself"
				if j > i {
					what = fmt.Sprintf("phase %s, which can only open after it", ref.phase)
				}
				if ref.via != "" {
					what = fmt.Sprintf("%s (provision %s is overdue only once its deadline, counted from phase %s, has passed)", what, ref.via, ref.phase)
				}
				probs = append(probs, fmt.Sprintf("phases[%d] (%s).entry: depends on %s: a cycle between phase conditions, so it can never open", i, p.ID, what))
			}
		}
	}
	return probs
}

// phaseRef is a phase a condition depends on: named (since(phase:ID),
// phase(ID)), or through a provision it asks to be overdue (via), whose
// deadline counts from the phase (counted).
type phaseRef struct{ phase, via string }

// phaseRefs lists the phases a condition refers to.
func phaseRefs(n cond.Node, counted map[string]string) []phaseRef {
	switch n := n.(type) {
	case *cond.Binary:
		return append(phaseRefs(n.L, counted), phaseRefs(n.R, counted)...)
	case *cond.Not:
		return phaseRefs(n.X, counted)
	case *cond.Compare:
		refs := append(phaseRefs(n.L, counted), phaseRefs(n.R, counted)...)
		for _, side := range [][2]cond.Node{{n.L, n.R}, {n.R, n.L}} {
			c, ok := side[0].(*cond.Call)
			v, isName := side[1].(*cond.Name)
			if ok && isName && n.Op == "==" && c.Fn == "provision" && v.Text == "overdue" {
				if ph, ok := counted[c.Operand]; ok {
					refs = append(refs, phaseRef{phase: ph, via: c.Operand})
				}
			}
		}
		return refs
	case *cond.Call:
		if _, _, other := cond.Qualified(n.Operand); other {
			return nil // another agreement's: CheckSet orders the agreements
		}
		if n.Fn == "phase" {
			return []phaseRef{{phase: n.Operand}}
		}
		if id, ok := strings.CutPrefix(n.Operand, "phase:"); ok && n.Fn == "since" {
			return []phaseRef{{phase: id}}
		}
	}
	return nil
}
