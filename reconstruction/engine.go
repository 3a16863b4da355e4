package reconstruction

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/cond"
	"github.com/accord-peace/accord/engine"
)

// EngineState is the agreement engine's state as an Agreement: conditions
// are checked against the agreement's names and evaluated over the state
// as the engine evaluates phase entry and tranche release conditions.
type EngineState struct {
	A *agreement.Agreement
	S *engine.State
}

// Holds parses, checks and evaluates a condition over the state.
func (e EngineState) Holds(condition string) (bool, error) {
	x, err := cond.Parse(condition)
	if err != nil {
		return false, err
	}
	if err := cond.Check(x, e.A.Names()); err != nil {
		return false, err
	}
	return cond.Eval(x, stateRecord{e.S}), nil
}

// Snapback reports whether snapback is in force: it has taken effect and
// has not been lifted (the agreement's enforcement.lift).
func (e EngineState) Snapback() bool { return e.S.Snapback.InForce() }

// Seq is the state's last log entry.
func (e EngineState) Seq() int { return e.S.Seq }

// stateRecord is the state as the condition language sees it, read the
// way the engine's own record reads it (engine/time.go).
type stateRecord struct{ s *engine.State }

func (r stateRecord) Now() time.Time { return r.s.Now }

func (r stateRecord) Violations() []cond.Item {
	var out []cond.Item
	for _, v := range r.s.Violations {
		if v.Status != "dismissed" {
			out = append(out, cond.Item{At: v.At, Party: v.Party, Rule: v.Rule, Severity: v.Severity})
		}
	}
	return out
}

func (r stateRecord) Findings() []cond.Item {
	var out []cond.Item
	for _, c := range r.s.Consultations {
		if c.Stage == engine.StageClosed && c.Outcome != engine.Unresolved && c.ClosedAt != nil {
			out = append(out, cond.Item{At: *c.ClosedAt, Party: c.Party, Outcome: c.Outcome})
		}
	}
	return out
}

// Exchanges are the persons released in the prisoner exchanges, one item
// per releasing party of each (cond.Exchanges), as the engine counts them.
func (r stateRecord) Exchanges() []cond.Item {
	var out []cond.Item
	for _, x := range r.s.Exchanges {
		parties := slices.Sorted(maps.Keys(x.Counts))
		for _, p := range parties {
			out = append(out, cond.Item{At: x.At, Party: p, Count: x.Counts[p]})
		}
	}
	return out
}

func (r stateRecord) EventTime(ev string) (time.Time, bool) {
	switch {
	case ev == "signature":
		if r.s.InForce != nil {
			return *r.s.InForce, true
		}
	case ev == "snapback":
		if sb := r.s.Snapback; sb != nil && sb.Effective {
			return sb.EffectiveAt, true
		}
	case strings.HasPrefix(ev, "phase:"):
		return r.s.Reached(ev)
	case strings.HasPrefix(ev, "provision:"):
		id := strings.TrimPrefix(ev, "provision:")
		for _, p := range r.s.Provisions {
			if p.ID == id && p.DoneAt != nil {
				return *p.DoneAt, true
			}
		}
	}
	return time.Time{}, false
}

func (r stateRecord) ProvisionStatus(id string) string {
	for _, p := range r.s.Provisions {
		if p.ID == id {
			return p.Status
		}
	}
	return ""
}

func (r stateRecord) PhaseStatus(id string) string {
	for _, p := range r.s.Phases {
		if p.ID == id {
			return p.Status
		}
	}
	return ""
}

// Guarantor reports whether actor has the guarantor role in the agreement.
func (e EngineState) Guarantor(actor string) bool {
	return slices.Contains(e.A.Guarantors(), actor)
}
