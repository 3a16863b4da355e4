package sim

import (
	"strconv"
	"time"
)

// Source kinds (docs/observation.md).
const (
	Satellite     = "satellite"
	FixedSensor   = "fixed_sensor"
	UAV           = "uav"
	GroundMonitor = "ground_monitor"
	PartyReport   = "party_report"
	OpenSource    = "open_source"
)

// Source is one reporting source of the simulated network.
type Source struct {
	ID, Kind, Owner string
	// AccuracyM is the 1-sigma position error the source states (metres).
	AccuracyM float64
	// TimeAccuracyS is the uncertainty of observed_at it states (seconds).
	TimeAccuracyS float64
	// Delay is the range of the time from observation to report.
	DelayMin, DelayMax time.Duration
	// Detect is the probability of reporting an event of each kind in its
	// reach; kinds absent are never reported.
	Detect map[string]float64
	// Confidence is the source's own stated confidence.
	Confidence float64
	// Reach is how far from the event the source can be and still see it (m);
	// AlongM is the source's position along the line (fixed sensors, ground
	// monitors); 0 Reach means anywhere.
	Reach, AlongM float64
}

// network builds the simulated sources: figures are plausible orders of
// magnitude, not data (OSCE SMM practice: fixed cameras with ~2.4 km radius,
// UAV patrols, satellite passes hours apart; party reports fast but partial).
func network(lineLength float64, sides [2]string) []Source {
	var out []Source
	for i, owner := range []string{"un", "cn", "in"} {
		out = append(out, Source{
			ID: "sat-" + owner, Kind: Satellite, Owner: owner, AccuracyM: 10, TimeAccuracyS: 1,
			DelayMin: 20 * time.Minute, DelayMax: 3 * time.Hour, Confidence: 0.9,
			Detect: map[string]float64{"heavy_weapon": 0.55 - 0.1*float64(i), "troop_concentration": 0.5, "impact": 0.3, "strike": 0.5},
		})
	}
	// Fixed sensors every 12 km along the line, owned by the mission.
	for s, i := 6000.0, 0; s < lineLength; s, i = s+12000, i+1 {
		out = append(out, Source{
			ID: "fix-" + strconv.Itoa(i), Kind: FixedSensor, Owner: "mission", AccuracyM: 150, TimeAccuracyS: 1,
			DelayMin: time.Second, DelayMax: 10 * time.Second, Confidence: 0.8, Reach: 9000, AlongM: s,
			Detect: map[string]float64{"firing": 0.9, "explosion": 0.9, "impact": 0.85, "strike": 0.9},
		})
	}
	for i := 0; i < 8; i++ {
		out = append(out, Source{
			ID: "uav-" + strconv.Itoa(i), Kind: UAV, Owner: "mission", AccuracyM: 30, TimeAccuracyS: 5,
			DelayMin: time.Minute, DelayMax: 8 * time.Minute, Confidence: 0.85,
			Detect: map[string]float64{"heavy_weapon": 0.35, "troop_concentration": 0.3, "firing": 0.15, "impact": 0.2},
		})
	}
	for i := 0; i < 6; i++ {
		out = append(out, Source{
			ID: "gm-" + strconv.Itoa(i), Kind: GroundMonitor, Owner: "mission", AccuracyM: 300, TimeAccuracyS: 300,
			DelayMin: 30 * time.Minute, DelayMax: 4 * time.Hour, Confidence: 0.75, Reach: 60000,
			AlongM: (float64(i) + 0.5) * lineLength / 6,
			Detect: map[string]float64{"explosion": 0.5, "impact": 0.5, "heavy_weapon": 0.2, "firing": 0.3},
		})
	}
	for _, side := range sides {
		out = append(out, Source{
			ID: "party-" + side, Kind: PartyReport, Owner: side, AccuracyM: 800, TimeAccuracyS: 900,
			DelayMin: 10 * time.Minute, DelayMax: time.Hour, Confidence: 0.6,
			Detect: map[string]float64{"firing": 0.5, "impact": 0.6, "strike": 0.7, "explosion": 0.4},
		})
	}
	out = append(out, Source{
		ID: "osint", Kind: OpenSource, Owner: "osint", AccuracyM: 2000, TimeAccuracyS: 3600,
		DelayMin: time.Hour, DelayMax: 12 * time.Hour, Confidence: 0.5,
		Detect: map[string]float64{"strike": 0.4, "explosion": 0.1},
	})
	return out
}
