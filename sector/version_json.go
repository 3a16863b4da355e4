package sector

import (
	"encoding/json"
	"time"
)

// versionWire is a Version as it travels between a sector's worker and
// the recorder: the incident's ConfirmedAt, SeenConfirmed and OpenedAt, which the incident's own JSON
// leaves out (it is not part of the record), goes beside it, so that the
// recorder gives a violation the time the embedded deployment gives it.
type versionWire struct {
	versionFields
	ConfirmedAt   time.Time `json:"confirmed_at,omitzero"`
	SeenConfirmed time.Time `json:"seen_confirmed,omitzero"`
	OpenedAt      time.Time `json:"opened_at,omitzero"`
}

// versionFields is Version without its JSON methods.
type versionFields Version

// MarshalJSON writes the version with its incident's ConfirmedAt,
// SeenConfirmed and OpenedAt.
func (v Version) MarshalJSON() ([]byte, error) {
	return json.Marshal(versionWire{versionFields(v), v.Incident.ConfirmedAt, v.Incident.SeenConfirmed, v.Incident.OpenedAt})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (v *Version) UnmarshalJSON(b []byte) error {
	var w versionWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*v = Version(w.versionFields)
	v.Incident.ConfirmedAt, v.Incident.SeenConfirmed, v.Incident.OpenedAt = w.ConfirmedAt, w.SeenConfirmed, w.OpenedAt
	return nil
}
