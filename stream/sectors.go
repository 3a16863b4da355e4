package stream

import (
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// Sectors is how a deployment splits the front (package sector): the plan
// that routes each observation to its sector and the halos it lies in,
// each sector's fusion, and the recorder's sequencer that maps the
// sectors' incidents to the mission's. Single is the one-sector split.
type Sectors struct {
	Plan Plan
	// NewFuser makes sector i's fusion (a sector worker's state).
	NewFuser func(sector int) Fuser
	// NewSequencer makes the recorder's sequencer.
	NewSequencer func() Sequencer
}

// Plan routes observations to sectors.
type Plan interface {
	// N is the number of sectors.
	N() int
	// Route is the sector an observation lies in, and the other sectors
	// whose halo it lies in (close enough to fuse with their own).
	Route(o *monitor.Observation) (own int, halo []int)
}

// Fuser is one sector's fusion: it takes the sector's own observations
// and its halo, in the order published, and returns the incident versions
// the sector owns that they changed, with the sector's own incident ids.
type Fuser interface {
	Observe(own, halo []*monitor.Observation) []monitor.Incident
}

// Sequencer maps the sectors' incident versions, in the fused log's
// order, to the mission's incidents (global ids, merges when ownership
// moves or two meet).
type Sequencer interface {
	Apply(sector int, ins []monitor.Incident) []monitor.Incident
}

// Single is the split in one sector: every observation is sector 0's, its
// fusion is the mission's own pipeline, and the sequencer keeps the ids —
// exactly the embedded deployment's flow, over the streams.
func Single(m *mission.Mission) Sectors {
	return Sectors{
		Plan:         onePlan{},
		NewFuser:     func(int) Fuser { return pipelineFuser{m.NewPipeline()} },
		NewSequencer: func() Sequencer { return sameIDs{} },
	}
}

type onePlan struct{}

func (onePlan) N() int                                  { return 1 }
func (onePlan) Route(*monitor.Observation) (int, []int) { return 0, nil }

type pipelineFuser struct{ p *monitor.Pipeline }

func (f pipelineFuser) Observe(own, halo []*monitor.Observation) []monitor.Incident {
	return f.p.Observe(own) // one sector: no halo
}

type sameIDs struct{}

func (sameIDs) Apply(_ int, ins []monitor.Incident) []monitor.Incident { return ins }
