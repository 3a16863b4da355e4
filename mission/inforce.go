package mission

import (
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/monitor"
)

// inForce drops from each incident the violations of rules tied to the
// agreement's clock (windows, by rule name) that are not in force at the
// incident's last observation, as the engine's state says, unless the
// engine recorded them (judged when the incident was confirmed: see
// Observe) — a recorded violation is never left out of its incident. The
// engine's points in time — a provision's deadline, a phase's opening —
// are fixed once reached, the clock has reached the batch before this
// runs, and what the engine recorded is restored with it, so a restart,
// which restores the engine first and then replays the observations,
// decides the same. The caller holds c.mu (or is Open).
func (c *Consequences) inForce(ins []monitor.Incident, windows map[string]agreement.InForce) {
	if len(windows) == 0 {
		return
	}
	for i := range ins {
		vs := ins[i].Violations
		var kept []monitor.Violation
		dropped := false
		for j, v := range vs {
			w, timed := windows[v.Rule]
			if timed && !c.done[ins[i].ID+"|"+v.Rule] && !c.engineOf(v.Rule).RuleInForce(w.From, w.Until, ins[i].LastObserved) {
				if !dropped {
					kept = append([]monitor.Violation{}, vs[:j]...)
					dropped = true
				}
				continue
			}
			if dropped {
				kept = append(kept, v)
			}
		}
		if dropped {
			ins[i].Violations = kept
		}
	}
}

// InForce applies the rules' windows to incidents outside a batch (the
// restore), on the engine's state as it stands.
func (c *Consequences) InForce(ins []monitor.Incident, windows map[string]agreement.InForce) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inForce(ins, windows)
}

// engineOf is the engine of the agreement holding a rule.
func (c *Consequences) engineOf(rule string) *engine.Engine {
	if a := c.agreement(c.owner(rule)); a != nil {
		return c.set.Engine(a.ID)
	}
	return c.set.Engine(c.as[0].ID)
}
