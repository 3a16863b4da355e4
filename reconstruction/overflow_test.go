package reconstruction

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

// Amounts near 2^63 minor units: each fund, project and commitment fits
// an int64, but the money of one currency summed across funds (by oblast,
// by sector, over time) must too. The registry either refuses what would
// take a sum past int64 (recording why) or keeps every sum exact: never a
// negative total, and every view's total equal to the sum of its parts.
func TestSumsNearInt64Overflow(t *testing.T) {
	r := New()
	big1 := Money{math.MaxInt64, "USD"}
	for _, ev := range []Event{
		{At: day(0), Type: FundEv, Fund: &Fund{ID: "f1", Source: Pledge, Owner: "eu", Amount: big1}},
		{At: day(0), Type: FundEv, Fund: &Fund{ID: "f2", Source: Pledge, Owner: "us", Amount: big1}},
		{At: day(0), Type: ProjectEv, Project: &Project{ID: "p1", Sector: "energy", Oblast: "odeska", Cost: big1, Implementer: "x", Status: Planned}},
		{At: day(0), Type: ProjectEv, Project: &Project{ID: "p2", Sector: "energy", Oblast: "odeska", Cost: big1, Implementer: "x", Status: Planned}},
		{At: day(1), Type: CommitmentEv, Commitment: &Commitment{ID: "c1", Fund: "f1", Project: "p1", Amount: big1}},
		{At: day(1), Type: CommitmentEv, Commitment: &Commitment{ID: "c2", Fund: "f2", Project: "p2", Amount: big1}},
	} {
		r.Submit(ev)
	}
	for _, id := range []string{"c1", "c2"} {
		r.Disburse(Disbursement{ID: "d-" + id, Commitment: id, Amount: big1, At: day(2)}, day(2), stub{holds: true})
	}
	// What the registry holds, summed exactly.
	committed, disbursed := new(big.Int), new(big.Int)
	for _, c := range r.Commitments {
		committed.Add(committed, big.NewInt(c.Amount.Amount))
	}
	for _, d := range r.Disbursements {
		disbursed.Add(disbursed, big.NewInt(d.Amount.Amount))
	}
	tot := r.Totals()
	for _, view := range []struct {
		name string
		rows []PlaceTotal
	}{{"oblasts", tot.Oblasts}, {"sectors", tot.Sectors}} {
		c, d := new(big.Int), new(big.Int)
		for _, p := range view.rows {
			if p.Committed < 0 || p.Disbursed < 0 {
				t.Errorf("%s: %s %s committed %d, disbursed %d: a negative total", view.name, p.Name, p.Currency, p.Committed, p.Disbursed)
			}
			c.Add(c, big.NewInt(p.Committed))
			d.Add(d, big.NewInt(p.Disbursed))
		}
		if c.Cmp(committed) != 0 || d.Cmp(disbursed) != 0 {
			t.Errorf("%s: committed %s, disbursed %s; the registry holds commitments of %s and disbursements of %s", view.name, c, d, committed, disbursed)
		}
	}
	if s := r.Series(); len(s) > 0 {
		last := s[len(s)-1]
		if big.NewInt(last.Committed).Cmp(committed) != 0 || big.NewInt(last.Disbursed).Cmp(disbursed) != 0 {
			t.Errorf("series: committed %d, disbursed %d to date; the registry holds %s and %s", last.Committed, last.Disbursed, committed, disbursed)
		}
	}
}

// An amount too large for int64 minor units is refused saying so: it is a
// positive decimal, so "want a positive decimal" would send the user
// looking for the wrong mistake.
func TestParseMoneyTooLargeSaysSo(t *testing.T) {
	for _, c := range [][2]string{{"92233720368547758.08", "USD"}, {"9223372036854775808", "JPY"}, {"100000000000000000000", "EUR"}} {
		_, err := ParseMoney(c[0], c[1])
		if err == nil || !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), Money{math.MaxInt64, c[1]}.String()) {
			t.Errorf("%s %s: %v, want an error saying it is too large, the most being %s", c[0], c[1], err, Money{math.MaxInt64, c[1]})
		}
	}
	if m, err := ParseMoney("92233720368547758.07", "USD"); err != nil || m.Amount != math.MaxInt64 {
		t.Errorf("the largest amount: %v %v", m, err)
	}
}
