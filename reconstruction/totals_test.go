package reconstruction

import (
	"fmt"
	"testing"
)

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

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]Money{"1250.50 EUR": {125050, "EUR"}, "3 USD": {300, "USD"}, "1000 JPY": {1000, "JPY"}, "0.5 UAH": {50, "UAH"}} {
		var a, c string
		fmt.Sscan(in, &a, &c)
		if got, err := ParseMoney(a, c); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1.234 EUR", "1.5 JPY", "-3 USD", "0 USD", "1e3 USD", ". USD", "3. USD", "3 usd", "1,5 EUR"} {
		var a, c string
		fmt.Sscan(in, &a, &c)
		if got, err := ParseMoney(a, c); err == nil {
			t.Errorf("%s: %v, want an error", in, got)
		}
	}
}
