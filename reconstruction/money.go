package reconstruction

import (
	"fmt"
	"slices"
	"strconv"
)

// Currencies are the ISO 4217 codes the registry knows, with the number of
// digits of their minor unit.
var Currencies = map[string]int{
	"AUD": 2, "CAD": 2, "CHF": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2,
	"JPY": 0, "KRW": 0, "NOK": 2, "NZD": 2, "PLN": 2, "SEK": 2, "UAH": 2,
	"USD": 2,
}

// CurrencyCodes are the known codes, sorted.
func CurrencyCodes() []string {
	var cs []string
	for c := range Currencies {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	return cs
}

// Money is an amount in integer minor units (cents, kopiykas) of a
// currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// check verifies that the currency is known and the amount positive.
func (m Money) check() error {
	if _, ok := Currencies[m.Currency]; !ok {
		return fmt.Errorf("unknown currency %q (want one of %v)", m.Currency, CurrencyCodes())
	}
	if m.Amount <= 0 {
		return fmt.Errorf("amount %d: want a positive number of minor units", m.Amount)
	}
	return nil
}

// Major is the amount in major units as a decimal string (12345 USD minor
// units is "123.45"), exactly, without floating point.
func (m Money) Major() string {
	d := Currencies[m.Currency]
	s := strconv.FormatInt(m.Amount, 10)
	neg := m.Amount < 0
	if neg {
		s = s[1:]
	}
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func (m Money) String() string { return m.Major() + " " + m.Currency }
