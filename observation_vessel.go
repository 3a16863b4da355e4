package accord

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
)

// Event kinds of merchant vessels (docs/observation.md, **Vessels**): a
// position report (AIS-like) and an inspection done, both about the vessel
// the observation's vessel property names.
const (
	EventVessel     = "vessel"
	EventInspection = "inspection"
)

// IsVesselEvent reports whether an event kind is a vessel's: such
// observations are tracked per vessel, not fused into incidents.
func IsVesselEvent(event string) bool { return event == EventVessel || event == EventInspection }

// Vessel names the merchant vessel an observation is about: its id (the
// IMO number, "IMO9XXXXXX", or another id stable over its voyages), name,
// flag state and cargo in tonnes.
type Vessel struct {
	ID     string  `json:"id"`
	Name   string  `json:"name,omitempty"`
	Flag   string  `json:"flag,omitempty"`
	CargoT float64 `json:"cargo_t,omitempty"`
}

// decodeVessel checks the vessel property of an observation of an event
// kind: required, with a non-empty id, for vessel and inspection
// observations; optional for the others (a strike on a vessel), with an id
// when given. Unknown fields inside it are refused: the contract defines
// them all.
func decodeVessel(raw json.RawMessage, event, geometry string) (*Vessel, *LineError) {
	fail := func(field, msg string) (*Vessel, *LineError) {
		return nil, &LineError{Field: field, Msg: msg}
	}
	need := IsVesselEvent(event)
	if len(raw) == 0 || string(raw) == "null" {
		if need {
			return fail("properties.vessel", "missing: a "+event+" observation names its vessel ({\"id\": \"IMO…\", ...})")
		}
		return nil, nil
	}
	var v Vessel
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fail("properties.vessel."+te.Field, "want "+te.Type.String()+", got "+te.Value)
		}
		return fail("properties.vessel", "want {\"id\", \"name\", \"flag\", \"cargo_t\"}: "+err.Error())
	}
	if strings.TrimSpace(v.ID) == "" {
		return fail("properties.vessel.id", "missing or empty: a vessel is tracked by its id (its IMO number)")
	}
	if !(v.CargoT >= 0) || math.IsInf(v.CargoT, 0) {
		return fail("properties.vessel.cargo_t", "want tonnes ≥ 0")
	}
	if need && geometry != "Point" {
		return fail("geometry.type", "a "+event+" observation is a Point (where the vessel was), not a "+geometry)
	}
	return &v, nil
}
