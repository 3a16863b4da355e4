package report

import (
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
	tmp := Daily{Day: d.Day}
	tmp.SetEngine(s)
	end := d.Day.AddDate(0, 0, 1)
	d.Beside = append(d.Beside, Beside{ID: s.Agreement, Title: title, Engine: tmp.Engine,
		InForce: s.InForce != nil && s.InForce.Before(end), Snapback: s.Snapback.InForce()})
}
