package accord

import (
	"encoding/json"
	"time"
)

// Source kinds of an observation (docs/observation.md).
const (
	KindSatellite     = "satellite"
	KindFixedSensor   = "fixed_sensor"
	KindUAV           = "uav"
	KindGroundMonitor = "ground_monitor"
	KindPartyReport   = "party_report"
	KindOpenSource    = "open_source"
)

// SourceKinds lists the valid source kinds.
var SourceKinds = []string{KindSatellite, KindFixedSensor, KindUAV, KindGroundMonitor, KindPartyReport, KindOpenSource}

// Events lists the valid event kinds.
var Events = []string{"firing", "explosion", "impact", "heavy_weapon", "troop_concentration",
	"aircraft", "drone", "strike", "mine", "movement_restriction", "other", EventVessel, EventInspection}

// Equipments lists the valid equipment classes.
var Equipments = []string{"tank", "acv", "artillery", "mortar", "mlrs", "heavy_mlrs", "missile",
	"aircraft", "helicopter", "air_defence", "drone"}

// Unknown is the attribution of an observation nobody attributes.
const Unknown = "unknown"

// Source names who reported an observation.
type Source struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Owner string `json:"owner"`
}

// Evidence points at the raw material behind an observation.
type Evidence struct {
	URI    string `json:"uri"`
	SHA256 string `json:"sha256"`
}

// ObservationKey is the idempotency key of an observation: (source.id, id).
type ObservationKey struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// Observation is one validated observation. Position is where the thing was
// seen (the impact, or the end of a path); Path holds every position of a
// LineString geometry ([origin, impact] for a shot, a flight path), nil for a
// Point.
type Observation struct {
	ID            string
	Source        Source
	Position      [2]float64   // [lon, lat], degrees, WGS 84
	Path          [][2]float64 // LineString positions, nil for a Point
	ObservedAt    time.Time
	ReportedAt    time.Time
	Event         string
	Equipment     string // "" when not given
	CaliberMM     float64
	Count         int // ≥ 1
	AttributedTo  string
	AccuracyM     float64
	TimeAccuracyS float64 // 60 when not given
	Confidence    float64
	Evidence      []Evidence
	// Vessel names the merchant vessel a vessel or inspection observation
	// is about (nil for the others, unless one names a vessel).
	Vessel *Vessel
	// Extra keeps properties the contract does not define, verbatim, so
	// nothing a source sent is dropped.
	Extra map[string]json.RawMessage
}

// Key returns the observation's idempotency key.
func (o *Observation) Key() ObservationKey { return ObservationKey{Source: o.Source.ID, ID: o.ID} }

// Origin returns the first position of a path (where a shot came from) and
// whether the observation has one.
func (o *Observation) Origin() ([2]float64, bool) {
	if len(o.Path) < 2 {
		return [2]float64{}, false
	}
	return o.Path[0], true
}
