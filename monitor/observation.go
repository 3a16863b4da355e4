package monitor

import (
	"io"
	"time"

	"github.com/accord-peace/accord"
)

// The observation and its contract live in the root package, which every
// layer shares; these names keep the monitoring code's vocabulary.
type (
	Observation = accord.Observation
	Source      = accord.Source
	Evidence    = accord.Evidence
	Key         = accord.ObservationKey
	LineError   = accord.LineError
	LineErrors  = accord.LineErrors
	BadLines    = accord.BadLines
)

// Source kinds and the attribution of an observation nobody attributes.
const (
	KindSatellite     = accord.KindSatellite
	KindFixedSensor   = accord.KindFixedSensor
	KindUAV           = accord.KindUAV
	KindGroundMonitor = accord.KindGroundMonitor
	KindPartyReport   = accord.KindPartyReport
	KindOpenSource    = accord.KindOpenSource
	Unknown           = accord.Unknown
)

// IsVesselEvent reports whether an event kind is a vessel's
// (accord.IsVesselEvent): tracked per vessel, not fused.
func IsVesselEvent(event string) bool { return accord.IsVesselEvent(event) }

// Decode reads an NDJSON batch of observations (accord.DecodeObservations).
func Decode(r io.Reader, name string) ([]Observation, error) {
	return accord.DecodeObservations(r, name)
}

// DecodeCounting is Decode that also counts the lines kept once because
// they repeat an earlier one exactly (accord.DecodeObservationsCounting).
func DecodeCounting(r io.Reader, name string) ([]Observation, int, error) {
	return accord.DecodeObservationsCounting(r, name)
}

// DecodeBytes is Decode of a batch held in memory
// (accord.DecodeObservationBytes).
func DecodeBytes(data []byte, name string) ([]Observation, error) {
	return accord.DecodeObservationBytes(data, name)
}

// DecodeReceived is DecodeBytes of a batch received at a known time, less
// the clock skew allowed, with the lines that repeat an earlier one
// counted (accord.DecodeReceivedBytes).
func DecodeReceived(data []byte, name string, notAfter time.Time) ([]Observation, int, error) {
	return accord.DecodeReceivedBytes(data, name, notAfter)
}

// DecodeLine decodes and validates one observation (accord.DecodeObservation).
func DecodeLine(line []byte) (*Observation, error) { return accord.DecodeObservation(line) }

// Encode writes observations as NDJSON (accord.EncodeObservations).
func Encode(w io.Writer, obs []Observation) error { return accord.EncodeObservations(w, obs) }

// DigestOf is the digest of an observation's encoding (accord.DigestOf).
func DigestOf(encoded []byte) [32]byte { return accord.DigestOf(encoded) }

// Incidents, their listing and the stores' interfaces live in the root
// package too.
type (
	Incident         = accord.Incident
	Violation        = accord.Violation
	IncidentFilter   = accord.IncidentFilter
	IncidentQuery    = accord.IncidentQuery
	IncidentPage     = accord.IncidentPage
	ObservationStore = accord.ObservationStore
	PutResult        = accord.PutResult
	IncidentStore    = accord.IncidentStore
)

// Page sizes of an incident listing.
const (
	DefaultPageSize = accord.DefaultPageSize
	MaxPageSize     = accord.MaxPageSize
)

// Cursor and ParseCursor encode and read page cursors.
var (
	Cursor      = accord.Cursor
	ParseCursor = accord.ParseCursor
)
