package accord

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// Violation is an agreed rule an incident breaks.
type Violation struct {
	Rule      string `json:"rule"`
	Provision string `json:"provision"`
	// Party is who it is attributed to, nil when nothing says.
	Party                 *string `json:"party"`
	AttributionConfidence float64 `json:"attribution_confidence"`
}

// Incident is an incident placed against the geometry, with its violations:
// the line `accord monitor run --json` prints for it.
type Incident struct {
	ID                 string           `json:"id"`
	State              string           `json:"state"`
	Event              string           `json:"event"`
	Equipment          string           `json:"equipment,omitempty"`
	Location           [2]float64       `json:"location"`
	FirstObserved      time.Time        `json:"first_observed"`
	LastObserved       time.Time        `json:"last_observed"`
	Observations       []ObservationKey `json:"observations,omitempty"`
	IndependentSources int              `json:"independent_sources"`
	Confidence         float64          `json:"confidence"`
	// Side is the party holding the side of the line the incident is on.
	Side            string      `json:"side"`
	DistanceToLineM float64     `json:"distance_to_line_m"`
	Zones           []string    `json:"zones"`
	Violations      []Violation `json:"violations"`
	// ClosedAt is when the incident closed (nil while open): it had gone
	// the fusion horizon without a report, measured on the observations'
	// clock. ClosedReason says why. A closed incident is kept, not deleted.
	ClosedAt     *time.Time `json:"closed_at"`
	ClosedReason string     `json:"closed_reason,omitempty"`
	// Ambiguous says that the report that opened the incident fitted other
	// incidents too, none clearly likelier: it stands on its own rather
	// than corroborate one of them. MergedInto names the incident it merged
	// into (state merged) when later reports settled which it belongs to;
	// its observations are that incident's now, and its earlier versions
	// stay in the record.
	Ambiguous  bool   `json:"ambiguous,omitempty"`
	MergedInto string `json:"merged_into,omitempty"`
	// ConfirmedAt is, for an incident fusion confirmed, when it was first
	// confirmed: the latest observation time seen when the report that
	// confirmed it came; SeenConfirmed is the incident's own latest
	// observation time then (fusion.Incident's). The agreement engine
	// gives its violations the first time and judges whether a rule was
	// in force at the second, neither of which depends on how the reports
	// were batched. Zero for other incidents. They are not part of the
	// incident's JSON (nor of its record): the pipeline recomputes them
	// when it replays the observations, and the stream deployment carries
	// them beside the incident (package sector's Version).
	ConfirmedAt   time.Time `json:"-"`
	SeenConfirmed time.Time `json:"-"`
	// OpenedAt is, for an incident of fusion, the latest observation time
	// seen when the report that opened it came: the parties sign at the
	// earliest of a first batch's, the first report's time whatever the
	// batch. Zero for other incidents; not in its JSON either.
	OpenedAt time.Time `json:"-"`
}

// IncidentStore keeps every incident the pipeline hands out, closed ones
// included, for the record's whole life: the latest version of each under
// its id, in the order each was first stored.
type IncidentStore interface {
	// PutIncidents stores a batch of incident versions atomically: each
	// replaces the stored incident with its id, or is added after every
	// stored one.
	PutIncidents(ctx context.Context, ins []Incident) error
	// Incident returns the incident with an id; ENOTFOUND when none is.
	Incident(ctx context.Context, id string) (*Incident, error)
	// Incidents returns a page of the incidents that pass the query's
	// filter, in the order first stored.
	Incidents(ctx context.Context, q IncidentQuery) (IncidentPage, error)
}

// Page sizes of an incident listing.
const (
	DefaultPageSize = 1000
	MaxPageSize     = 10000
)

// IncidentQuery asks for a page of incidents.
type IncidentQuery struct {
	Filter IncidentFilter
	// After is the cursor a previous page returned as Next ("" for the
	// first page).
	After string
	// Limit is the page size: DefaultPageSize when 0, at most MaxPageSize.
	Limit int
}

// IncidentPage is one page of incidents. Next is the cursor of the next
// page, "" when this page is the last: a listing is complete only when
// Next is "".
type IncidentPage struct {
	Incidents []Incident `json:"incidents"`
	Next      string     `json:"next"`
}

// Cursor encodes a position in the store's order as a page cursor.
func Cursor(pos int64) string { return strconv.FormatInt(pos, 10) }

// ParseCursor reads a cursor back: -1 for "", EINVALID for anything that
// is not a cursor.
func ParseCursor(c string) (int64, error) {
	if c == "" {
		return -1, nil
	}
	v, err := strconv.ParseInt(c, 10, 64)
	if err != nil || v < 0 {
		return 0, Errorf(EINVALID, "after: %q is not a page cursor (use the next field of the previous page)", c)
	}
	return v, nil
}

// PageSize returns the page size a query asks for, or EINVALID.
func (q IncidentQuery) PageSize() (int, error) {
	switch {
	case q.Limit == 0:
		return DefaultPageSize, nil
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return 0, Errorf(EINVALID, "limit: want 1 to %d, got %d", MaxPageSize, q.Limit)
	}
	return q.Limit, nil
}

// IncidentFilter selects incidents: every condition given must hold.
type IncidentFilter struct {
	Since, Until time.Time   // last_observed ≥ Since, first_observed ≤ Until
	States       []string    // state among these
	Closed       *bool       // closed (true) or open (false)
	Party        string      // a violation attributed to this party
	Zone         string      // inside this zone
	BBox         *[4]float64 // west, south, east, north (degrees)
	Violations   bool        // only incidents with a violation
}

// Match reports whether an incident passes the filter.
func (f IncidentFilter) Match(in *Incident) bool {
	if !f.Since.IsZero() && in.LastObserved.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && in.FirstObserved.After(f.Until) {
		return false
	}
	if len(f.States) > 0 && !slices.Contains(f.States, in.State) {
		return false
	}
	if f.Closed != nil && *f.Closed != (in.ClosedAt != nil) {
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
