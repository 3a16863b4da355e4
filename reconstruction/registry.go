package reconstruction

import (
	"encoding/json"
	"slices"
	"time"
)

// Registry is the state of the reconstruction registry: what the log
// built. Lists are in the order of the log.
type Registry struct {
	Seq           int            `json:"seq"`
	Now           time.Time      `json:"now"`
	Funds         []Fund         `json:"funds"`
	Projects      []Project      `json:"projects"`
	Commitments   []Commitment   `json:"commitments"`
	Disbursements []Disbursement `json:"disbursements"`
	Refusals      []Refusal      `json:"refusals"`
	Confirmations []Confirmation `json:"confirmations,omitempty"`
	// Log is every event applied, in order.
	Log []Event `json:"-"`
}

// New is an empty registry.
func New() *Registry { return &Registry{} }

// Replay builds a registry from a log.
func Replay(log []Event) (*Registry, error) {
	r := New()
	for _, ev := range log {
		if err := r.Apply(ev); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// JSON is the registry's canonical JSON: the same log gives the same bytes.
func (r *Registry) JSON() []byte {
	b, _ := json.MarshalIndent(r, "", "  ")
	return append(b, '\n')
}

// Fund returns a fund by id.
func (r *Registry) Fund(id string) (Fund, bool) {
	return find(r.Funds, id, func(f Fund) string { return f.ID })
}

// Project returns a project by id.
func (r *Registry) Project(id string) (Project, bool) {
	return find(r.Projects, id, func(p Project) string { return p.ID })
}

// Commitment returns a commitment by id.
func (r *Registry) Commitment(id string) (Commitment, bool) {
	return find(r.Commitments, id, func(c Commitment) string { return c.ID })
}

func find[T any](list []T, id string, key func(T) string) (T, bool) {
	i := slices.IndexFunc(list, func(x T) bool { return key(x) == id })
	if i < 0 {
		var zero T
		return zero, false
	}
	return list[i], true
}

// Committed is the fund's money committed, in minor units.
func (r *Registry) Committed(fund string) int64 {
	var n int64
	for _, c := range r.Commitments {
		if c.Fund == fund {
			n += c.Amount.Amount
		}
	}
	return n
}

// Funded is the money committed to a project, in minor units.
func (r *Registry) Funded(project string) int64 {
	var n int64
	for _, c := range r.Commitments {
		if c.Project == project {
			n += c.Amount.Amount
		}
	}
	return n
}

// Disbursed is the money disbursed against a commitment, in minor units.
func (r *Registry) Disbursed(commitment string) int64 {
	var n int64
	for _, d := range r.Disbursements {
		if d.Commitment == commitment {
			n += d.Amount.Amount
		}
	}
	return n
}

// Uncommitted is the fund's balance not yet committed.
func (r *Registry) Uncommitted(fund string) int64 {
	f, _ := r.Fund(fund)
	return f.Amount.Amount - r.Committed(fund)
}

// Unfunded is the project's cost not yet committed.
func (r *Registry) Unfunded(project string) int64 {
	p, _ := r.Project(project)
	return p.Cost.Amount - r.Funded(project)
}

// Undisbursed is the commitment's amount not yet disbursed.
func (r *Registry) Undisbursed(commitment string) int64 {
	c, _ := r.Commitment(commitment)
	return c.Amount.Amount - r.Disbursed(commitment)
}

// Confirmed reports whether guarantor g confirmed disbursement d of
// commitment c for amount m.
func (r *Registry) Confirmed(g, c, d string, m Money) bool {
	return slices.ContainsFunc(r.Confirmations, func(x Confirmation) bool {
		return x.Guarantor == g && x.Commitment == c && x.Disbursement == d && x.Amount == m
	})
}
