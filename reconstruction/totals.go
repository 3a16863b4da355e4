package reconstruction

import (
	"cmp"
	"slices"
)

// Totals is what everyone may read of the registry: the money committed
// and disbursed by oblast, by sector and per fund, in minor units of each
// currency (the registry never converts).
type Totals struct {
	Seq      int          `json:"seq"`
	Funds    []FundTotal  `json:"funds"`
	Oblasts  []PlaceTotal `json:"oblasts"`
	Sectors  []PlaceTotal `json:"sectors"`
	Projects int          `json:"projects"`
	Refusals int          `json:"refusals"`
}

// FundTotal is a fund and what of it is committed and disbursed.
type FundTotal struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Owner     string `json:"owner"`
	Amount    Money  `json:"amount"`
	Committed int64  `json:"committed"`
	Disbursed int64  `json:"disbursed"`
}

// PlaceTotal is the money committed and disbursed in one oblast or sector
// and one currency.
type PlaceTotal struct {
	Name      string `json:"name"`
	Currency  string `json:"currency"`
	Committed int64  `json:"committed"`
	Disbursed int64  `json:"disbursed"`
}

// Totals sums the registry: funds in the order registered, oblasts and
// sectors sorted by name and currency.
func (r *Registry) Totals() Totals {
	t := Totals{Seq: r.Seq, Funds: []FundTotal{}, Oblasts: []PlaceTotal{}, Sectors: []PlaceTotal{}, Projects: len(r.Projects), Refusals: len(r.Refusals)}
	for _, f := range r.Funds {
		ft := FundTotal{ID: f.ID, Source: f.Source, Owner: f.Owner, Amount: f.Amount, Committed: r.Committed(f.ID)}
		for _, c := range r.Commitments {
			if c.Fund == f.ID {
				ft.Disbursed += r.Disbursed(c.ID)
			}
		}
		t.Funds = append(t.Funds, ft)
	}
	add := func(list []PlaceTotal, name, currency string, committed, disbursed int64) []PlaceTotal {
		i := slices.IndexFunc(list, func(p PlaceTotal) bool { return p.Name == name && p.Currency == currency })
		if i < 0 {
			list, i = append(list, PlaceTotal{Name: name, Currency: currency}), len(list)
		}
		list[i].Committed += committed
		list[i].Disbursed += disbursed
		return list
	}
	for _, c := range r.Commitments {
		p, _ := r.Project(c.Project)
		d := r.Disbursed(c.ID)
		t.Oblasts = add(t.Oblasts, p.Oblast, c.Amount.Currency, c.Amount.Amount, d)
		t.Sectors = add(t.Sectors, p.Sector, c.Amount.Currency, c.Amount.Amount, d)
	}
	byName := func(a, b PlaceTotal) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Currency, b.Currency))
	}
	slices.SortFunc(t.Oblasts, byName)
	slices.SortFunc(t.Sectors, byName)
	return t
}

// Clone is a copy of the registry that applying events to leaves the
// original as it was (events' payloads are never changed once applied).
func (r *Registry) Clone() *Registry {
	c := *r
	c.Funds = slices.Clone(r.Funds)
	c.Projects = slices.Clone(r.Projects)
	c.Commitments = slices.Clone(r.Commitments)
	c.Disbursements = slices.Clone(r.Disbursements)
	c.Refusals = slices.Clone(r.Refusals)
	c.Confirmations = slices.Clone(r.Confirmations)
	c.Log = slices.Clone(r.Log)
	return &c
}
