package cond

import (
	"strings"
	"testing"
	"time"
)

// exchangeRecord is a record that holds exchanges.
type exchangeRecord struct {
	record
	exchanges []Item
}

func (r *exchangeRecord) Exchanges() []Item { return r.exchanges }

func TestExchanged(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	r := &exchangeRecord{record: record{now: t0.Add(40 * day)}, exchanges: []Item{
		{At: t0.Add(2 * day), Party: "ru", Count: 390},
		{At: t0.Add(2 * day), Party: "ua", Count: 390},
		{At: t0.Add(35 * day), Party: "ru", Count: 84},
		{At: t0.Add(35 * day), Party: "ua", Count: 84},
		{At: t0.Add(39 * day), Party: "ru", Count: 0},
		{At: t0.Add(39 * day), Party: "ua", Count: 20},
	}}
	tests := []struct {
		src  string
		want bool
	}{
		{"exchanged(party=ru) == 474", true},
		{"exchanged(party=ua) == 494", true},
		{"exchanged() == 968", true},
		{"exchanged(party=ru, within=30d) == 84", true},
		{"exchanged(party=ua, within=30d) >= 100", true},
		{"exchanged(party!=ru, within=3d) == 20", true},
		{"exchanged(party=ru, within=30d) >= 100", false},
		{"exchanged(party=ru, within=1d) == 0", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(e, names); err != nil {
				t.Fatal(err)
			}
			if got := Eval(e, r); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// A record without exchanges has exchanged nobody.
	e, _ := Parse("exchanged(party=ru) == 0")
	if !Eval(e, &r.record) {
		t.Error("a record without exchanges: exchanged() is not 0")
	}
}

func TestExchangedErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"exchanged(party=us) >= 1", `column 17: no party "us" (want one of ru, ua)`},
		{"exchanged(severity>=major) == 0", `column 11: exchanged has no filter "severity" (want party, within)`},
		{"exchanged(outcome=upheld) == 0", `exchanged has no filter "outcome" (want party, within)`},
		{"exchanged(within=30) >= 1", "column 11: write within=DURATION"},
		{"exchanged(party=ru) >= 1d", "cannot compare exchanged(party=ru) (a count) with 1d (a duration)"},
		{"exchanged(party=ru)", "is a count, not a condition"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err == nil {
				err = Check(e, names)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}
