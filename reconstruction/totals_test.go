package reconstruction

import "testing"

func TestTotals(t *testing.T) {
	r := sample(t)
	before := string(r.JSON())
	c := r.Clone()
	if _, err := c.Submit(Event{At: day(9), Type: FundEv, Fund: &Fund{ID: "x", Source: Pledge, Owner: "no", Amount: usd(1)}}); err != nil {
		t.Fatal(err)
	}
	if string(r.JSON()) != before {
		t.Fatal("applying to a clone changed the original")
	}
	tot := r.Totals()
	if len(tot.Funds) != 2 || tot.Funds[0].ID != "eu-era" || tot.Funds[0].Committed != usd(800).Amount {
		t.Fatalf("funds %+v", tot.Funds)
	}
	var disbursed int64
	for _, d := range r.Disbursements {
		disbursed += d.Amount.Amount
	}
	var sum, dsum int64
	for _, o := range tot.Oblasts {
		sum += o.Committed
		dsum += o.Disbursed
	}
	if sum != usd(800).Amount || dsum != disbursed || tot.Funds[0].Disbursed != disbursed {
		t.Fatalf("oblasts %+v, disbursed %d", tot.Oblasts, disbursed)
	}
	if len(tot.Sectors) != 2 || tot.Sectors[0].Name != "energy" || tot.Sectors[1].Name != "transport" {
		t.Fatalf("sectors %+v", tot.Sectors)
	}
}
