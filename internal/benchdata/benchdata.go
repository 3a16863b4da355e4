// Package benchdata is what the benchmark programs (bench/serverbench,
// bench/streambench, bench/reliability) run on: the reference agreement
// with its kernel, and the simulator's observations of its front as
// NDJSON lines, built one way for all of them.
package benchdata

import (
	"encoding/json"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/sim"
)

// Reference is the embedded reference agreement and the kernel of its
// monitoring geometry.
func Reference() (*agreement.Agreement, *geo.Kernel, error) {
	a, err := agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	if err != nil {
		return nil, nil, err
	}
	k, err := monitor.NewKernel(a.Monitoring)
	if err != nil {
		return nil, nil, err
	}
	return a, k, nil
}

// Lines simulates hours of the agreement's front at rate true events an
// hour (seed 1) and returns the observations as NDJSON lines (without
// their newline), in arrival order.
func Lines(a *agreement.Agreement, k *geo.Kernel, hours, rate float64) ([][]byte, error) {
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Duration, cfg.Rate = 1, time.Duration(hours*float64(time.Hour)), rate
	res, err := sim.Run(cfg)
	if err != nil {
		return nil, err
	}
	lines := make([][]byte, len(res.Observations))
	for i, o := range res.Observations {
		if lines[i], err = json.Marshal(o); err != nil {
			return nil, err
		}
	}
	return lines, nil
}
