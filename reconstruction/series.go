package reconstruction

import "time"

// Point is the money committed and disbursed to date in one currency at
// the time of a registry event that changed it.
type Point struct {
	At        time.Time `json:"at"`
	Seq       int       `json:"seq"`
	Currency  string    `json:"currency"`
	Committed int64     `json:"committed"`
	Disbursed int64     `json:"disbursed"`
}

// Series is the money over time: a point at every commitment and
// disbursement, in the log's order, cumulative per currency (in minor
// units, never converted).
func (r *Registry) Series() []Point {
	out := []Point{}
	sum := map[string]*Point{}
	for _, ev := range r.Log {
		var m Money
		var disbursed bool
		switch {
		case ev.Commitment != nil:
			m = ev.Commitment.Amount
		case ev.Disbursement != nil:
			m, disbursed = ev.Disbursement.Amount, true
		default:
			continue
		}
		p := sum[m.Currency]
		if p == nil {
			p = &Point{Currency: m.Currency}
			sum[m.Currency] = p
		}
		if disbursed {
			p.Disbursed += m.Amount
		} else {
			p.Committed += m.Amount
		}
		p.At, p.Seq = ev.At, ev.Seq
		out = append(out, *p)
	}
	return out
}
