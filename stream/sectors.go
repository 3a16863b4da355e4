package stream

import (
	"time"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// Sectors is how a deployment splits the front (package sector): the plan
// that routes each observation to its sector and the halos it lies in,
// each sector's fusion, and the recorder's sequencer that maps the
// sectors' incidents to the mission's.
type Sectors struct {
	Plan Plan
	// NewFuser makes sector i's fusion (a sector worker's state).
	NewFuser func(sector int) (Fuser, error)
	// NewSequencer makes the recorder's sequencer.
	NewSequencer func() Sequencer
}

// Plan routes observations to sectors (sector.Plan).
type Plan interface {
	// N is the number of sectors.
	N() int
	// Route is the sector an observation lies in, and the other sectors
	// whose halo it lies in (close enough to fuse with their own).
	Route(o *monitor.Observation) (own int, halo []int)
}

// Fuser is one sector's fusion (sector.Worker): it takes a message's
// observations in their batch's order, own[i] telling whether the i-th
// lies in the sector (else it is halo), with the front's clock at each
// (HeaderClock; nil when the message has none), and returns the
// versions of the incidents the sector owns that they changed, with the
// sector's own incident ids and their anchors.
type Fuser interface {
	ObserveBatchAt(obs []*monitor.Observation, own []bool, clocks []time.Time) []sector.Version
}

// Sequencer maps the sectors' incident versions, in the fused log's
// order, to the mission's incidents (sector.Sequencer: global ids,
// merges when ownership moves or two sectors' incidents meet): Apply one
// sector's output at a time (one sector: the recorder's path), ApplyBatch
// a batch's parts together (several sectors), which numbers the batch's
// new incidents in one pipeline's order.
type Sequencer interface {
	Apply(sector int, vs []sector.Version) []monitor.Incident
	ApplyBatch(parts []sector.Part) []monitor.Incident
}

// Split is the split of the front in n sectors for mission m: package
// sector's plan along the main agreement's line, a sector.Worker per
// sector over the mission's monitoring section, kernel and fusion
// configuration, and sector's sequencer. With n = 1 the flow is exactly
// the embedded deployment's, version for version.
func Split(m *mission.Mission, n int) (Sectors, error) {
	plan, err := sector.NewPlan(m.Monitoring(), m.Kernel(), n)
	if err != nil {
		return Sectors{}, err
	}
	return Sectors{
		Plan: plan,
		NewFuser: func(i int) (Fuser, error) {
			return sector.NewWorker(plan, i, m.Monitoring(), m.Kernel(), m.FusionConfig())
		},
		NewSequencer: func() Sequencer {
			seq := sector.NewSequencer()
			if h := m.FusionConfig().Horizon; h > 0 {
				seq.Horizon = h // fusion's, as the sectors' pipelines run it
			}
			for _, p := range m.Monitoring().Presence {
				seq.Duties = append(seq.Duties, p.Rule()) // one pipeline's order of their missing reports
			}
			return seq
		},
	}, nil
}
