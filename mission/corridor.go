package mission

import (
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// Corridor is a maritime corridor as the mission's pipeline holds it (the
// monitoring section's corridor, monitor.Vessels): what it carried per
// UTC day and every vessel seen, in full (there is no paging: one
// corridor's vessels are a few hundred a year).
type Corridor struct {
	// Agreement is the agreement whose monitoring section holds the
	// corridor (one per record, agreement.Merge).
	Agreement string `json:"agreement"`
	// Zone is the lane vessels keep to; Ends its two ends.
	Zone string   `json:"zone"`
	Ends []string `json:"ends"`
	// Days lists, per UTC day with a voyage completed, in order of day,
	// the voyages completed and the tonnes they carried
	// (Vessels.Throughput); Voyages and TonnageT are their totals.
	Days     []monitor.DayThroughput `json:"days"`
	Voyages  int                     `json:"voyages"`
	TonnageT float64                 `json:"tonnage_t"`
	// UnderWay is the number of vessels on a voyage not yet finished.
	UnderWay int `json:"under_way"`
	// Vessels are every vessel seen, first seen first.
	Vessels []CorridorVessel `json:"vessels"`
}

// CorridorVessel is one vessel's current state: as its latest observation
// names it (id, name, flag, cargo), whether it is on a voyage not yet
// finished and was inspected during its current (or last) voyage's stay
// in an inspection area, its latest report in time (position, where it is
// for the corridor: "lane", "end:ZONE", ...), and
// its voyages: begun and completed.
type CorridorVessel struct {
	accord.Vessel
	UnderWay  bool         `json:"under_way"`
	Inspected bool         `json:"inspected"`
	LastFix   *monitor.Fix `json:"last_fix,omitempty"`
	Voyages   int          `json:"voyages"`
	Completed int          `json:"completed"`
}

// Corridor returns the corridor's throughput and vessels, read under the
// pipeline's lock (a consistent view between two batches); ENOTFOUND when
// no agreement the mission runs has a corridor section. It is restored
// with the pipeline: the same stored observations give the same answer
// after a restart.
func (m *Mission) Corridor() (*Corridor, error) {
	return m.CorridorBefore(time.Time{})
}

// CorridorBefore is Corridor with the throughput (Days, Voyages,
// TonnageT) of the voyages completed before end only (every one when end
// is zero) — as it stood at end, for a report as of an instant the
// observations go past; the vessels are as they stand.
func (m *Mission) CorridorBefore(end time.Time) (*Corridor, error) {
	c := m.monitoring.Corridor
	if c == nil {
		return nil, accord.Errorf(accord.ENOTFOUND, "no corridor: no agreement on the record has a corridor section (monitoring.corridor; the grain corridor's is in scenarios/ukraine-2025/grain-corridor.yaml)")
	}
	out := &Corridor{Agreement: m.corridorAgreement(), Zone: c.Zone, Ends: c.Ends}
	m.pipeMu.Lock()
	defer m.pipeMu.Unlock()
	v := m.pipeline.Vessels()
	out.Days = v.ThroughputBefore(end)
	for _, d := range out.Days {
		out.Voyages += d.Voyages
		out.TonnageT += d.Tonnage
	}
	out.Vessels = []CorridorVessel{}
	for _, id := range v.IDs() {
		t := v.Track(id)
		cv := CorridorVessel{Vessel: t.Vessel, UnderWay: t.UnderWay(), Inspected: t.Inspected(), Voyages: len(t.Voyages)}
		for _, vy := range t.Voyages {
			if vy.Completed {
				cv.Completed++
			}
		}
		for i := range t.Fixes {
			// The latest in time (a late source's older report does not
			// move the vessel back), the last taken among equals.
			if cv.LastFix == nil || !t.Fixes[i].At.Before(cv.LastFix.At) {
				f := t.Fixes[i]
				cv.LastFix = &f
			}
		}
		if cv.UnderWay {
			out.UnderWay++
		}
		out.Vessels = append(out.Vessels, cv)
	}
	return out, nil
}

// corridorAgreement is the id of the agreement holding the corridor
// section.
func (m *Mission) corridorAgreement() string {
	for _, a := range m.Agreements() {
		if a.Monitoring != nil && a.Monitoring.Corridor != nil {
			return a.ID
		}
	}
	return ""
}
