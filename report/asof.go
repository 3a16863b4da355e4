package report

import (
	"time"

	"github.com/accord-peace/accord/monitor"
)

// IncidentsAt keeps each incident as it stood at an instant (At), from the
// versions a mission hands out step after step (mission.IngestResult's
// Incidents, the incident entries of its record): the version of the last
// step that left the mission's clock — the latest observation time it had
// seen — before At. A report of a day made a week later then counts as
// confirmed on the day the incidents confirmed by its end, not those
// confirmed (or merged, or dismissed) since, and says what a report made
// at the day's end said.
//
// An incident whose first version comes from a step after the clock
// passed At (an observation made before At but received after later
// ones) is kept too, as first recorded, and marked (Late): the report
// counts it and says so, rather than leave it out.
type IncidentsAt struct {
	At    time.Time
	list  []monitor.Incident
	index map[string]int
	late  map[string]bool
}

// NewIncidentsAt starts keeping the incidents as they stand at an instant.
func NewIncidentsAt(at time.Time) *IncidentsAt {
	return &IncidentsAt{At: at, index: map[string]int{}, late: map[string]bool{}}
}

// Add takes the incident versions one step handed out, in order; clock is
// the mission's clock after the step (the latest observation time it has
// seen). A step whose clock is before At replaces each incident's kept
// version; a later one only adds the incidents not kept yet, marked late.
func (r *IncidentsAt) Add(clock time.Time, versions []monitor.Incident) {
	after := !clock.Before(r.At)
	for _, in := range versions {
		i, ok := r.index[in.ID]
		switch {
		case !ok:
			r.index[in.ID] = len(r.list)
			r.list = append(r.list, in)
			if after {
				r.late[in.ID] = true
			}
		case !after:
			r.list[i] = in
		}
	}
}

// Incidents are the incidents kept, in the order first handed out.
func (r *IncidentsAt) Incidents() []monitor.Incident { return r.list }

// Late reports whether an incident was first handed out after the clock
// passed At: it is kept as first recorded.
func (r *IncidentsAt) Late(id string) bool { return r.late[id] }

// BuildAt is Build of the incidents as they stood at r.At: those first
// recorded after it (Late) are counted, and their number is in the
// counts (Counts.Late), which the summary and the day in figures give.
func BuildAt(agreement string, day time.Time, r *IncidentsAt, stretch Stretch) *Daily {
	return build(agreement, day, r.Incidents(), stretch, r.Late)
}
