package accord

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ExchangeBody is the body of a signed exchange: the author, a verifier of
// the agreement (the neutral intermediary, the ICRC's role), attests that
// the parties released the persons counted. The names stay off the public
// record: it holds, for each releasing party, the commitment to its list
// (the SHA-256 of a random salt and the list: the Seal of the sealed list,
// whose content the verifier sends with the submission and the mission
// keeps for the two parties and the verifiers alone).
type ExchangeBody struct {
	// Agreement is the agreement the exchange carries out, on a record
	// that runs several; "" the one whose verifiers include the author.
	Agreement string `json:"agreement,omitempty"`
	Exchange  string `json:"exchange"`
	// Counts are the persons each party released (handed over to the
	// other side), by releasing party.
	Counts map[string]int `json:"counts"`
	// Lists are the commitments (hex SHA-256, Seal.SHA256) to the lists of
	// the persons released, by releasing party: one for every party with
	// a count above zero, none for another.
	Lists map[string]string `json:"lists"`
}

// ExchangeScope is the scope of an exchange's sealed lists, in the field
// Seal.Consultation: "exchange:ID". No consultation has such an id; who
// may read a list is decided by the exchange (the parties to the
// agreement and its verifiers), not by a consultation.
func ExchangeScope(exchange string) string { return "exchange:" + exchange }

// ExchangeOf returns the exchange a seal's content belongs to, and whether
// it is an exchange's list at all.
func ExchangeOf(s Seal) (string, bool) {
	id, ok := strings.CutPrefix(s.Consultation, "exchange:")
	return id, ok && id != ""
}

// SealExchangeLists seals the lists of an exchange, by releasing party.
// Each list is one JSON value per person released (whatever the verifier
// and the parties record of each). It returns the body for the verifier
// to sign (the counts are the lists' lengths) and the sealed lists to send
// with it, in the order of the parties' names.
func SealExchangeLists(exchange string, lists map[string][]json.RawMessage) (ExchangeBody, []Sealed, error) {
	b := ExchangeBody{Exchange: exchange, Counts: map[string]int{}, Lists: map[string]string{}}
	var out []Sealed
	parties := make([]string, 0, len(lists))
	for p := range lists {
		parties = append(parties, p)
	}
	sort.Strings(parties)
	for _, p := range parties {
		b.Counts[p] = len(lists[p])
		if len(lists[p]) == 0 {
			continue
		}
		content, err := json.Marshal(lists[p])
		if err != nil {
			return ExchangeBody{}, nil, fmt.Errorf("the list of %s: %v", p, err)
		}
		x, err := NewSealed(content, ExchangeScope(exchange))
		if err != nil {
			return ExchangeBody{}, nil, err
		}
		b.Lists[p] = x.SHA256
		out = append(out, x)
	}
	return b, out, b.Check()
}

// Check checks an exchange's body on its own: an id, no negative count,
// someone released, and a commitment for every party with a count above
// zero and for no other.
func (b ExchangeBody) Check() error {
	if b.Exchange == "" {
		return fmt.Errorf("an exchange needs an id")
	}
	total := 0
	for _, p := range sortedKeys(b.Counts) {
		n := b.Counts[p]
		if n < 0 {
			return fmt.Errorf("exchange %s: %s released %d persons: a count is not negative", b.Exchange, p, n)
		}
		total += n
		if _, ok := b.Lists[p]; n > 0 && !ok {
			return fmt.Errorf("exchange %s: %s released %d persons and there is no commitment to its list", b.Exchange, p, n)
		}
	}
	if total == 0 {
		return fmt.Errorf("exchange %s releases no one", b.Exchange)
	}
	for _, p := range sortedKeys(b.Lists) {
		if b.Counts[p] == 0 {
			return fmt.Errorf("exchange %s: a list for %s, who released no one", b.Exchange, p)
		}
		if h, err := hex.DecodeString(b.Lists[p]); err != nil || len(h) != 32 || hex.EncodeToString(h) != b.Lists[p] {
			return fmt.Errorf("exchange %s: the commitment to %s's list is not 64 lowercase hex digits", b.Exchange, p)
		}
	}
	return nil
}

// CheckLists checks the sealed lists sent with an exchange's body: exactly
// one for each commitment, each opening it (its content and salt are the
// ones committed to), scoped to the exchange, and a JSON array of as many
// persons as the count.
func (b ExchangeBody) CheckLists(lists []Sealed) error {
	if len(lists) != len(b.Lists) {
		return fmt.Errorf("exchange %s: %d lists sent for %d commitments", b.Exchange, len(lists), len(b.Lists))
	}
	for _, p := range sortedKeys(b.Lists) {
		i := slices.IndexFunc(lists, func(x Sealed) bool { return x.SHA256 == b.Lists[p] })
		if i < 0 {
			return fmt.Errorf("exchange %s: no list sent opens the commitment to %s's list (%s)", b.Exchange, p, b.Lists[p])
		}
		x := &lists[i]
		if err := x.Check(); err != nil {
			return fmt.Errorf("exchange %s: %s's list: %v", b.Exchange, p, err)
		}
		if id, ok := ExchangeOf(x.Seal); !ok || id != b.Exchange {
			return fmt.Errorf("exchange %s: %s's list is sealed for %q, not for the exchange", b.Exchange, p, x.Consultation)
		}
		var persons []json.RawMessage
		if err := json.Unmarshal(x.Content, &persons); err != nil {
			return fmt.Errorf("exchange %s: %s's list is not a JSON array of persons: %v", b.Exchange, p, err)
		}
		if len(persons) != b.Counts[p] {
			return fmt.Errorf("exchange %s: %s's list names %d persons; the count is %d", b.Exchange, p, len(persons), b.Counts[p])
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
