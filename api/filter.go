package api

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// IncidentFilter selects incidents: every condition given must hold.
type IncidentFilter = monitor.IncidentFilter

var filterParams = []string{"since", "until", "state", "closed", "party", "zone", "bbox", "violations", "after", "limit"}

// ParseIncidentQuery reads a page request from query parameters: the
// filter (ParseIncidentFilter), after (the next cursor of the previous
// page) and limit (page size, 1000 by default, at most 10,000).
func ParseIncidentQuery(q url.Values) (monitor.IncidentQuery, error) {
	f, err := ParseIncidentFilter(q)
	if err != nil {
		return monitor.IncidentQuery{}, err
	}
	iq := monitor.IncidentQuery{Filter: f, After: q.Get("after")}
	if v := q.Get("limit"); v != "" {
		if iq.Limit, err = strconv.Atoi(v); err != nil || iq.Limit < 1 {
			return iq, accord.Errorf(accord.EINVALID, "limit: want a page size from 1 to %d, got %q", monitor.MaxPageSize, v)
		}
	}
	if _, err := iq.PageSize(); err != nil {
		return iq, err
	}
	if _, err := monitor.ParseCursor(iq.After); err != nil {
		return iq, err
	}
	return iq, nil
}

// ParseIncidentFilter reads a filter from query parameters: since, until
// (RFC 3339), state (comma-separated), closed (true or false), party,
// zone, bbox (W,S,E,N) and violations (true). Unknown parameters are
// errors.
func ParseIncidentFilter(q url.Values) (IncidentFilter, error) {
	var f IncidentFilter
	for k, vs := range q {
		if !slices.Contains(filterParams, k) {
			return f, accord.Errorf(accord.EINVALID, "unknown filter %q (want %s)", k, strings.Join(filterParams, ", "))
		}
		// An empty filter would be left unapplied, and the answer taken
		// for a filtered one: leave the parameter out instead.
		if k != "after" && k != "limit" && slices.Contains(vs, "") {
			return f, accord.Errorf(accord.EINVALID, "%s: empty; give a value, or leave the parameter out for no %s filter", k, k)
		}
	}
	var err error
	for _, tp := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(tp.name); v != "" {
			if *tp.dst, err = accord.ParseInstant(v); err != nil {
				return f, accord.Errorf(accord.EINVALID, "%s: want an RFC 3339 instant, got %q", tp.name, v)
			}
		}
	}
	if v := q.Get("state"); v != "" {
		for _, s := range strings.Split(v, ",") {
			if !slices.Contains(accord.IncidentStates, s) {
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
			if b[i], err = strconv.ParseFloat(p, 64); err != nil || math.IsNaN(b[i]) || math.IsInf(b[i], 0) {
				return f, accord.Errorf(accord.EINVALID, "bbox: %q is not a finite number", p)
			}
		}
		if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
			return f, accord.Errorf(accord.EINVALID, "bbox: %v is not west ≤ east, south ≤ north within the globe", b)
		}
		f.BBox = &b
	}
	if v := q.Get("closed"); v != "" {
		c, err := strconv.ParseBool(v)
		if err != nil {
			return f, accord.Errorf(accord.EINVALID, "closed: want true or false, got %q", v)
		}
		f.Closed = &c
	}
	if v := q.Get("violations"); v != "" {
		if f.Violations, err = strconv.ParseBool(v); err != nil {
			return f, accord.Errorf(accord.EINVALID, "violations: want true or false, got %q", v)
		}
	}
	return f, nil
}
