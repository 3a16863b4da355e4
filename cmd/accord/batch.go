package main

import (
	"context"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/report"
)

// runBatch runs observations through a mission kept in memory — the path
// the server takes, without a record — and returns every incident they
// produced, closed ones included, in the order first seen, with the
// agreement engine's state (nil when the agreement has none: no
// consultation, enforcement or rule on its clock). It hands the
// observations over an hour of observation time at a time, as a server
// taking them as they come would, so that the engine's clock — when it
// confirmed a violation and opened a consultation, when a deadline passed,
// when a rule came into force — follows the observations rather than
// stopping at the end of the file. (Fusion's incidents do not depend on
// how the observations are cut into batches.) With several agreements (the
// main one first, as loadMission gives them) it returns every one's
// state, the main one's first; k is the kernel of their merged geometry.
func runBatch(ctx context.Context, as []*agreement.Agreement, k *geo.Kernel, obs []monitor.Observation) ([]monitor.Incident, []*engine.State, error) {
	ins, sts, _, err := runBatchCorridor(ctx, as, k, obs, nil, nil)
	return ins, sts, err
}

// runBatchCorridor is runBatch that also returns the corridor at the end
// (mission.Corridor; nil when no agreement has a corridor section; with
// at, its throughput of the voyages completed before at.At), and
// tells progress (when not nil) how many of the observations are fused
// after each hour's. With at (a report's: report.IncidentsAt) it hands
// at every step's observations and incident versions,
// so that at holds each incident as it stood at at.At, and returns at's
// incidents; an hour that straddles at.At (a report made within the day)
// is handed over in two steps, the observations made before at.At first.
// at.At also gives the engine's states as they stand at that instant when
// the observations end before it (mission.StatesAt: the deadlines that
// pass after the last observation, derived on a copy), for a report that
// must hold what the engine derives up to then.
func runBatchCorridor(ctx context.Context, as []*agreement.Agreement, k *geo.Kernel, obs []monitor.Observation, progress func(done, total int), at *report.IncidentsAt) ([]monitor.Incident, []*engine.State, *mission.Corridor, error) {
	m, err := mission.Open(ctx, mission.Config{Agreement: as[0], Others: as[1:], Kernel: k,
		Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		return nil, nil, nil, err
	}
	defer m.Close()
	total := len(obs)
	step := func(batch []monitor.Observation) error {
		res, err := m.Ingest(ctx, batch, nil)
		if err == nil && at != nil {
			at.Add(batch, res.Incidents)
		}
		return err
	}
	for len(obs) > 0 {
		n := 1
		hour := obs[0].ObservedAt.Truncate(time.Hour)
		for n < len(obs) && obs[n].ObservedAt.Truncate(time.Hour).Equal(hour) {
			n++
		}
		for _, b := range splitAt(obs[:n], at) {
			if err := step(b); err != nil {
				return nil, nil, nil, err
			}
		}
		obs = obs[n:]
		if progress != nil {
			progress(total-len(obs), total)
		}
	}
	var corridor *mission.Corridor
	if m.Monitoring().Corridor != nil {
		var end time.Time // the throughput as it stood at at.At, as the incidents
		if at != nil {
			end = at.At
		}
		if corridor, err = m.CorridorBefore(end); err != nil {
			return nil, nil, nil, err
		}
	}
	var ins []monitor.Incident
	if at != nil {
		ins = at.Incidents()
	} else if ins, err = m.AllIncidents(ctx, monitor.IncidentFilter{}); err != nil {
		return nil, nil, nil, err
	}
	if !m.HasEngine() {
		return ins, nil, corridor, nil
	}
	var sts []*engine.State
	if at == nil {
		sts, err = m.States()
	} else {
		sts, err = m.StatesAt(at.At)
	}
	return ins, sts, corridor, err
}

// splitAt cuts an hour's observations in two when some were made before
// at.At and some not: those before first, each part in its order.
func splitAt(obs []monitor.Observation, at *report.IncidentsAt) [][]monitor.Observation {
	if at == nil {
		return [][]monitor.Observation{obs}
	}
	var before, after []monitor.Observation
	for _, o := range obs {
		if o.ObservedAt.Before(at.At) {
			before = append(before, o)
		} else {
			after = append(after, o)
		}
	}
	if len(before) == 0 || len(after) == 0 {
		return [][]monitor.Observation{obs}
	}
	return [][]monitor.Observation{before, after}
}

// loadMission reads the agreements a batch command runs: the main one (a
// file, or "reference") and those beside it (--beside: files or embedded
// names), checked as a set, with the monitoring section they run (every
// one's merged) and the kernel of its geometry.
func loadMission(main string, beside []string) ([]*agreement.Agreement, *agreement.Monitoring, *geo.Kernel, error) {
	as, err := loadAgreements(append([]string{main}, beside...))
	if err != nil {
		return nil, nil, nil, err
	}
	if as[0].Monitoring == nil {
		return nil, nil, nil, accord.Errorf(accord.EINVALID, "%s has no monitoring section", as[0].ID)
	}
	mon, _, err := mission.Monitoring(as)
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := monitor.NewKernel(mon)
	if err != nil {
		return nil, nil, nil, err
	}
	return as, mon, k, nil
}
