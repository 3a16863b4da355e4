package main

import (
	"context"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// runBatch runs observations through a mission kept in memory — the path
// the server takes, without a record — and returns every incident they
// produced, closed ones included, in the order first seen.
func runBatch(ctx context.Context, a *agreement.Agreement, k *geo.Kernel, obs []monitor.Observation) ([]monitor.Incident, error) {
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k,
		Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if _, err := m.Ingest(ctx, obs, nil); err != nil {
		return nil, err
	}
	return m.AllIncidents(ctx, monitor.IncidentFilter{})
}
