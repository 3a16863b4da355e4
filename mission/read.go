package mission

import (
	"context"
	"sort"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/monitor"
)

// Incidents returns a page of the incidents the mission has seen, open and
// closed, in the order first seen. A listing is complete only when the
// page's Next is "".
func (m *Mission) Incidents(ctx context.Context, q monitor.IncidentQuery) (monitor.IncidentPage, error) {
	if err := m.incidents.sync(); err != nil {
		return monitor.IncidentPage{}, err
	}
	return m.cfg.Incidents.Incidents(ctx, q)
}

// AllIncidents returns every incident that passes the filter, reading
// page after page.
func (m *Mission) AllIncidents(ctx context.Context, f monitor.IncidentFilter) ([]monitor.Incident, error) {
	if err := m.incidents.sync(); err != nil {
		return nil, err
	}
	var out []monitor.Incident
	q := monitor.IncidentQuery{Filter: f, Limit: monitor.MaxPageSize}
	for {
		p, err := m.cfg.Incidents.Incidents(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Incidents...)
		if p.Next == "" {
			return out, nil
		}
		q.After = p.Next
	}
}

// Incident returns one incident, with the observations it fuses as their
// sources sent them.
func (m *Mission) Incident(ctx context.Context, id string) (*monitor.Incident, []*monitor.Observation, error) {
	if err := m.incidents.sync(); err != nil {
		return nil, nil, err
	}
	in, err := m.cfg.Incidents.Incident(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	obs := make([]*monitor.Observation, 0, len(in.Observations))
	for _, ref := range in.Observations {
		o, err := m.cfg.Observations.Get(ctx, monitor.Key{Source: ref.Source, ID: ref.ID})
		if err != nil {
			return nil, nil, err
		}
		obs = append(obs, o)
	}
	return in, obs, nil
}

// Open is the number of open incidents.
func (m *Mission) Open() int {
	m.pipeMu.Lock()
	defer m.pipeMu.Unlock()
	return m.pipeline.Open()
}

// State is the agreement engine's state; ENOTFOUND without an engine.
func (m *Mission) State() (*engine.State, error) {
	if m.consequences == nil {
		return nil, errNoEngine()
	}
	return m.consequences.State(), nil
}

// States are the states of every agreement the mission runs, the main one
// first; ENOTFOUND without an engine.
func (m *Mission) States() ([]*engine.State, error) {
	if m.consequences == nil {
		return nil, errNoEngine()
	}
	return m.consequences.States(), nil
}

// StatesAt are the states of every agreement as the engine would leave
// them at an instant no entry has reached yet — its deadlines up to then
// processed, its conditions settled (engine.Set.StatesAt) — the main one
// first; nothing is applied or recorded, and an instant no later than the
// engine's clock gives the states as they are. ENOTFOUND without an
// engine.
func (m *Mission) StatesAt(at time.Time) ([]*engine.State, error) {
	if m.consequences == nil {
		return nil, errNoEngine()
	}
	return m.consequences.StatesAt(at)
}

// ConsultationAgreement is the agreement a consultation runs under (its
// guarantors sign its finding and read its sealed entries); the main one
// when there is no such consultation.
func (m *Mission) ConsultationAgreement(id string) *agreement.Agreement {
	if m.consequences == nil {
		return m.cfg.Agreement
	}
	m.consequences.mu.Lock()
	defer m.consequences.mu.Unlock()
	return m.consequences.consultationAgreement(id)
}

// Consultation returns a consultation as it stands and the signatures of
// its finding still short of the quorum.
func (m *Mission) Consultation(id string) (engine.ConsultationState, []FindingSignature, error) {
	if m.consequences == nil {
		return engine.ConsultationState{}, nil, errNoEngine()
	}
	c, err := m.consequences.Consultation(id)
	if err != nil {
		return c, nil, err
	}
	return c, m.consequences.Pending(id), nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
