package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
)

// maxBuckets bounds a compliance timeline.
const maxBuckets = 2000

// Compliance is each party's record of confirmed violations over time
// under one agreement: the dashboard's compliance timeline. Agreements
// lists every agreement the mission runs (the main one first), so that an
// answer about one says there are others (?agreement=ID).
type Compliance struct {
	Agreement  string            `json:"agreement"`
	Agreements []string          `json:"agreements"`
	Bucket     string            `json:"bucket"` // a Go duration, 24h0m0s
	From       time.Time         `json:"from"`   // start of the first bucket
	Now        time.Time         `json:"now"`    // the monitoring clock
	Parties    []PartyCompliance `json:"parties"`
}

// PartyCompliance is one party's timeline.
type PartyCompliance struct {
	Party  string            `json:"party"`
	Totals ComplianceCounts  `json:"totals"`
	Points []CompliancePoint `json:"points"` // one per bucket, from From to Now
}

// ComplianceCounts counts violations by how their consultation stands:
// open (notice or consultation under way), upheld (accepted, found, or
// every deadline missed), dismissed by a finding, inconclusive.
type ComplianceCounts struct {
	Violations   int `json:"violations"`
	Open         int `json:"open"`
	Upheld       int `json:"upheld"`
	Dismissed    int `json:"dismissed"`
	Inconclusive int `json:"inconclusive"`
}

// CompliancePoint counts the violations confirmed in one bucket.
type CompliancePoint struct {
	Start time.Time `json:"start"`
	ComplianceCounts
}

// ComplianceOf builds the timeline from the engine's state, in buckets of
// width d aligned on UTC midnight multiples.
func ComplianceOf(parties []string, st *engine.State, d time.Duration) (Compliance, error) {
	c := Compliance{Bucket: d.String(), Now: st.Now, Parties: []PartyCompliance{}}
	outcome := map[string]string{}
	for _, cs := range st.Consultations {
		outcome[cs.Violation] = cs.Outcome
	}
	first := st.Now
	for _, v := range st.Violations {
		if v.At.Before(first) {
			first = v.At
		}
	}
	if len(st.Signed) > 0 && st.Signed[0].At.Before(first) {
		first = st.Signed[0].At
	}
	c.From = first.UTC().Truncate(d)
	n := int(st.Now.Sub(c.From)/d) + 1
	if st.Now.IsZero() {
		n = 0
	}
	if n > maxBuckets {
		return c, accord.Errorf(accord.EINVALID, "bucket %s gives %d buckets since %s; at most %d: choose a wider bucket", d, n, c.From.Format(time.RFC3339), maxBuckets)
	}
	for _, p := range parties {
		pc := PartyCompliance{Party: p, Points: make([]CompliancePoint, n)}
		for i := range pc.Points {
			pc.Points[i].Start = c.From.Add(time.Duration(i) * d)
		}
		c.Parties = append(c.Parties, pc)
	}
	for _, v := range st.Violations {
		i := slices.IndexFunc(c.Parties, func(pc PartyCompliance) bool { return pc.Party == v.Party })
		b := int(v.At.Sub(c.From) / d)
		if i < 0 || b < 0 || b >= n {
			continue
		}
		pc := &c.Parties[i]
		for _, cc := range []*ComplianceCounts{&pc.Totals, &pc.Points[b].ComplianceCounts} {
			cc.Violations++
			switch {
			case v.Status == "dismissed" || outcome[v.ID] == engine.Dismissed:
				cc.Dismissed++
			case outcome[v.ID] == engine.Upheld || outcome[v.ID] == engine.Unresolved:
				cc.Upheld++
			case outcome[v.ID] == engine.Inconclusive:
				cc.Inconclusive++
			default:
				cc.Open++
			}
		}
	}
	return c, nil
}

// getCompliance answers GET /v1/compliance[?bucket=D][&agreement=ID]: the
// timeline of one agreement (the main one by default), naming every
// agreement the mission runs.
func (s *Server) getCompliance(w http.ResponseWriter, r *http.Request) {
	sts := s.states(w)
	if sts == nil {
		return
	}
	d := 24 * time.Hour
	as := s.Mission.Agreements()
	at := 0
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	for k, vs := range r.URL.Query() {
		switch k {
		case "bucket":
			var err error
			if d, err = time.ParseDuration(vs[0]); err != nil || d < time.Minute {
				s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "bucket %q: want a duration of at least 1m, such as 1h or 24h", vs[0]))
				return
			}
		case "agreement":
			if at = slices.Index(ids, vs[0]); at < 0 {
				s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "agreement %.80q: this record runs %v", vs[0], ids))
				return
			}
		default:
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "unknown parameter %q (want bucket or agreement)", k))
			return
		}
	}
	c, err := ComplianceOf(as[at].Parties, sts[at], d)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	c.Agreement, c.Agreements = ids[at], ids
	writeJSON(w, http.StatusOK, c)
}
