package report

import (
	"time"

	"github.com/accord-peace/accord/engine"
)

// Beside is what an agreement run beside the main one on the same record
// (a grain corridor, an exchange of prisoners, a nuclear plant's safety)
// stood at and did on the report's day: its own consultations and
// consequences, apart from the main agreement's.
type Beside struct {
	ID, Title string
	// InForce says whether it was in force by the end of the day; Snapback
	// whether a snapback of its own was in force.
	InForce, Snapback bool
	Engine            *Engine
}

// AddBeside adds an agreement run beside the main one, from its engine's
// state, in the order added (the mission's).
func (d *Daily) AddBeside(title string, s *engine.State) {
	tmp := Daily{Day: d.Day, AsOf: d.AsOf}
	tmp.SetEngine(s)
	end := d.engineEnd()
	d.Beside = append(d.Beside, Beside{ID: s.Agreement, Title: title, Engine: tmp.Engine,
		InForce: s.InForce != nil && s.InForce.Before(end), Snapback: snapbackBy(s, end)})
}

// snapbackBy says whether a snapback of the state (the current one or an
// earlier, lifted one) was in force just before end: it had taken effect
// before end and was not lifted by then. The state may run past end (a
// record that goes on): its final word is not the day's.
func snapbackBy(s *engine.State, end time.Time) bool {
	in := func(sb engine.SnapbackState) bool {
		return sb.Effective && sb.EffectiveAt.Before(end) && (sb.LiftedAt == nil || !sb.LiftedAt.Before(end))
	}
	if s.Snapback != nil && in(*s.Snapback) {
		return true
	}
	for _, sb := range s.Snapbacks {
		if in(sb) {
			return true
		}
	}
	return false
}
