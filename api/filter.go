package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// IncidentFilter selects incidents: every condition given must hold.
type IncidentFilter struct {
	Since, Until time.Time   // last_observed ≥ Since, first_observed ≤ Until
	States       []string    // state among these
	Party        string      // a violation attributed to this party
	Zone         string      // inside this zone
	BBox         *[4]float64 // west, south, east, north (degrees)
	Violations   bool        // only incidents with a violation
}

var filterParams = []string{"since", "until", "state", "party", "zone", "bbox", "violations"}

// ParseIncidentFilter reads a filter from query parameters: since, until
// (RFC 3339), state (comma-separated), party, zone, bbox (W,S,E,N) and
// violations (true). Unknown parameters are errors.
func ParseIncidentFilter(q url.Values) (IncidentFilter, error) {
	var f IncidentFilter
	for k := range q {
		if !slices.Contains(filterParams, k) {
			return f, accord.Errorf(accord.EINVALID, "unknown filter %q (want %s)", k, strings.Join(filterParams, ", "))
		}
	}
	var err error
	for _, tp := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(tp.name); v != "" {
			if *tp.dst, err = time.Parse(time.RFC3339, v); err != nil {
				return f, accord.Errorf(accord.EINVALID, "%s: want an RFC 3339 instant, got %q", tp.name, v)
			}
		}
	}
	if v := q.Get("state"); v != "" {
		for _, s := range strings.Split(v, ",") {
			if !slices.Contains([]string{"reported", "corroborated", "confirmed", "disputed", "dismissed"}, s) {
				return f, accord.Errorf(accord.EINVALID, "state: %q is not an incident state", s)
			}
			f.States = append(f.States, s)
		}
	}
	f.Party, f.Zone = q.Get("party"), q.Get("zone")
	if v := q.Get("bbox"); v != "" {
		parts := strings.Split(v, ",")
		var b [4]float64
		if len(parts) != 4 {
			return f, accord.Errorf(accord.EINVALID, "bbox: want west,south,east,north, got %q", v)
		}
		for i, p := range parts {
			if b[i], err = strconv.ParseFloat(p, 64); err != nil {
				return f, accord.Errorf(accord.EINVALID, "bbox: %q is not a number", p)
			}
		}
		if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
			return f, accord.Errorf(accord.EINVALID, "bbox: %v is not west ≤ east, south ≤ north within the globe", b)
		}
		f.BBox = &b
	}
	if v := q.Get("violations"); v != "" {
		if f.Violations, err = strconv.ParseBool(v); err != nil {
			return f, accord.Errorf(accord.EINVALID, "violations: want true or false, got %q", v)
		}
	}
	return f, nil
}

// Match reports whether an incident passes the filter.
func (f IncidentFilter) Match(in *monitor.Incident) bool {
	if !f.Since.IsZero() && in.LastObserved.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && in.FirstObserved.After(f.Until) {
		return false
	}
	if len(f.States) > 0 && !slices.Contains(f.States, in.State) {
		return false
	}
	if f.Zone != "" && !slices.Contains(in.Zones, f.Zone) {
		return false
	}
	if b := f.BBox; b != nil && (in.Location[0] < b[0] || in.Location[0] > b[2] || in.Location[1] < b[1] || in.Location[1] > b[3]) {
		return false
	}
	if f.Violations && len(in.Violations) == 0 {
		return false
	}
	if f.Party != "" {
		for _, v := range in.Violations {
			if v.Party != nil && *v.Party == f.Party {
				return true
			}
		}
		return false
	}
	return true
}
