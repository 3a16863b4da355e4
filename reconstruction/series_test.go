package reconstruction

import "testing"

// The series is cumulative per currency, a point per commitment and
// disbursement.
func TestSeries(t *testing.T) {
	r := sample(t)
	s := r.Series()
	if len(s) != 3 {
		t.Fatalf("%+v", s)
	}
	last := s[2]
	if last.Currency != "USD" || last.Committed != usd(800).Amount || last.Disbursed != usd(200).Amount || last.Seq != r.Seq || !last.At.Equal(day(3)) {
		t.Errorf("%+v", last)
	}
	if s[0].Committed != usd(500).Amount || s[0].Disbursed != 0 {
		t.Errorf("%+v", s[0])
	}
}
