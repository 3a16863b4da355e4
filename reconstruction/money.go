package reconstruction

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

// ParseMoney reads an amount in major units, a decimal with at most the
// currency's minor digits ("1250.50" EUR is 125050 cents), exactly.
func ParseMoney(amount, currency string) (Money, error) {
	d, ok := Currencies[currency]
	if !ok {
		return Money{}, fmt.Errorf("unknown currency %q (want one of %v)", currency, CurrencyCodes())
	}
	whole, frac, dot := strings.Cut(amount, ".")
	if whole == "" || (dot && frac == "") || len(frac) > d || strings.Trim(whole+frac, "0123456789") != "" {
		return Money{}, fmt.Errorf("amount %q: want a positive decimal in %s with at most %d digits after the point", amount, currency, d)
	}
	frac += strings.Repeat("0", d-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return Money{}, fmt.Errorf("amount %q: too large; the most is %s", amount, Money{math.MaxInt64, currency})
	}
	if err != nil || n <= 0 {
		return Money{}, fmt.Errorf("amount %q: want a positive decimal in %s", amount, currency)
	}
	return Money{n, currency}, nil
}
