package report

import (
	"time"

	"github.com/accord-peace/accord/monitor"
)

// IncidentsAt keeps each incident as it stood at an instant (At), from the
// versions a mission hands out step after step (mission.IngestResult's
// Incidents) with the observations of each step: the version of the last
// step that left the mission's clock — the latest observation time it had
// seen — before At. A report of a day made a week later then counts as
// confirmed on the day the incidents confirmed by its end, not those
// confirmed (or merged, or dismissed) since, and says what a report made
// at the day's end said — the engine's clock too, which opens the
// consultation of a violation when it is confirmed.
//
// An observation made before At but handed over after the clock passed it
// (received after later ones) is counted (Received): an incident it
// corroborates is given as it stood before it; an incident whose first
// version comes from such a step is kept too, as first recorded, and
// marked (Late). The report counts both and says so, rather than leave
// them out.
type IncidentsAt struct {
	At time.Time
	// Clock is the mission's clock after the steps added: the latest
	// observation time handed over.
	Clock time.Time
	// Received counts the observations made before At that were handed
	// over after Clock had passed it.
	Received int
	list     []monitor.Incident
	index    map[string]int
	late     map[string]bool
}

// NewIncidentsAt starts keeping the incidents as they stand at an instant.
func NewIncidentsAt(at time.Time) *IncidentsAt {
	return &IncidentsAt{At: at, index: map[string]int{}, late: map[string]bool{}}
}

// Add takes one step: the observations handed over, in order, and the
// incident versions the step handed out. A step that leaves the clock
// before At replaces each incident's kept version; a later one only adds
// the incidents not kept yet and first observed before At, marked late
// (one first observed at At or later was not there at At: a report as of
// an instant within its day, the file holding later observations).
func (r *IncidentsAt) Add(obs []monitor.Observation, versions []monitor.Incident) {
	for _, o := range obs {
		if o.ObservedAt.After(r.Clock) {
			r.Clock = o.ObservedAt
		}
	}
	after := !r.Clock.Before(r.At)
	if after {
		for _, o := range obs {
			if o.ObservedAt.Before(r.At) {
				r.Received++
			}
		}
	}
	for _, in := range versions {
		i, ok := r.index[in.ID]
		switch {
		case !ok && after && !in.FirstObserved.Before(r.At):
			// First observed at At or later: not there at At (a report
			// as of an instant within its day, given later observations).
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
// counts (Counts.Late), which the summary and the day in figures give,
// with the observations received after it (Received).
func BuildAt(agreement string, day time.Time, r *IncidentsAt, stretch Stretch) *Daily {
	d := build(agreement, day, r.Incidents(), stretch, r.Late)
	d.Received = r.Received
	return d
}
