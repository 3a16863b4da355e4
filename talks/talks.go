package talks

import (
	"fmt"
	"maps"
	"slices"

	"github.com/accord-peace/accord"
)

// DefaultMaxRequests is how many texts a party may ask about per round
// when the mediator sets no cap.
const DefaultMaxRequests = 3

// Negotiation is the state of one negotiation, built by applying its
// events in order.
type Negotiation struct {
	ID          string
	Mediator    string
	Method      string // how accord proposes the next draft
	MaxRequests int
	Public      *accord.Scenario // parties, tracks, issues, options, proposals
	PublicYAML  string

	Versions  map[string][]*Version // by party, in order
	Rounds    []*Round
	Concluded *Conclusion
	sign      signing

	// CountBudget bounds the search nodes of the acceptable set's count
	// in the mediator's view (DefaultCountBudget when 0): a count that
	// needs more is reported as bounds.
	CountBudget int64

	byBasis map[string]*basisFacts // the mediator's figures of each basis, computed once
}

// Version is one version of a party's position.
type Version struct {
	Version    int    `json:"version"`
	Commitment string `json:"commitment"`
	// Round is the round open when it was submitted (0 before the first
	// draft).
	Round int `json:"round"`
	// Position is the content, when this reader holds it.
	Position *accord.Position `json:"-"`
}

// Round is one draft on the table and what the parties made of it.
type Round struct {
	N               int
	Scope           string
	Text            map[string]string
	Method          string
	Basis           map[string]int
	AcceptableToAll bool
	Answers         map[string]Recorded[Answer]
	Requests        map[string][]Recorded[Request]
	Closed          bool
	Provisional     []string

	cache *roundFacts // the mediator's figures, computed once per round
}

// Recorded is a party's confidential content with its commitment; Known
// is false when this reader does not hold the content.
type Recorded[T any] struct {
	Commitment string
	Known      bool
	Content    T
	// AcceptableToAll, for a request, is what the mediator answered, on
	// the latest positions then; Version is the author's among them.
	AcceptableToAll bool
	Version         int
}

// Conclusion is the package every veto party accepted.
type Conclusion struct {
	Round   int               `json:"round"`
	Package map[string]string `json:"package"`
}

// Open starts a negotiation from its opening event and its public part,
// parsed from the event's Public by the caller (package scenario).
func Open(e Event, public *accord.Scenario) (*Negotiation, error) {
	if e.Type != TypeOpened {
		return nil, fmt.Errorf("a negotiation opens with %q, not %q", TypeOpened, e.Type)
	}
	if e.Negotiation == "" || !validID(e.Negotiation) {
		return nil, fmt.Errorf("negotiation id %q: want [a-z0-9-]+", e.Negotiation)
	}
	if public == nil {
		return nil, fmt.Errorf("negotiation %s: no public part", e.Negotiation)
	}
	if len(public.Positions) > 0 {
		return nil, fmt.Errorf("negotiation %s: the public part holds positions (%s): they are confidential, each party submits its own", e.Negotiation, joinKeys(public.Positions))
	}
	if e.Mediator == "" {
		return nil, fmt.Errorf("negotiation %s: no mediator", e.Negotiation)
	}
	if _, ok := public.Party(e.Mediator); ok {
		return nil, fmt.Errorf("negotiation %s: the mediator %s is one of its parties: the mediator reads every position, a party its own only", e.Negotiation, e.Mediator)
	}
	if !slices.ContainsFunc(public.Parties, func(p accord.Party) bool { return p.Veto }) {
		return nil, fmt.Errorf("negotiation %s: the public part has no veto party: a round closes and the talks conclude when every veto party has answered and accepted, and the veto parties sign the agreement", e.Negotiation)
	}
	switch e.Method {
	case MethodBridge, MethodCommon:
	default:
		return nil, fmt.Errorf("negotiation %s: method %q: want %q or %q", e.Negotiation, e.Method, MethodBridge, MethodCommon)
	}
	if e.MaxRequests < 0 {
		return nil, fmt.Errorf("negotiation %s: max_requests %d: want 0 or more", e.Negotiation, e.MaxRequests)
	}
	return &Negotiation{ID: e.Negotiation, Mediator: e.Mediator, Method: e.Method, MaxRequests: e.MaxRequests,
		Public: public, PublicYAML: e.Public, Versions: map[string][]*Version{}}, nil
}

func validID(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return s != ""
}

func joinKeys[V any](m map[string]V) string {
	return fmt.Sprint(slices.Sorted(maps.Keys(m)))
}

// Current is the round on the table: the last one, nil before the first
// draft.
func (n *Negotiation) Current() *Round {
	if len(n.Rounds) == 0 {
		return nil
	}
	return n.Rounds[len(n.Rounds)-1]
}

// Text is the current text: the last draft's, empty before the first.
func (n *Negotiation) Text() map[string]string {
	if r := n.Current(); r != nil {
		return r.Text
	}
	return map[string]string{}
}

// Latest is each party's latest position version (parties without one are
// absent).
func (n *Negotiation) Latest() map[string]int {
	out := map[string]int{}
	for p, vs := range n.Versions {
		if len(vs) > 0 {
			out[p] = vs[len(vs)-1].Version
		}
	}
	return out
}

// Version returns a party's version v, nil when there is none.
func (n *Negotiation) Version(party string, v int) *Version {
	vs := n.Versions[party]
	if v < 1 || v > len(vs) {
		return nil
	}
	return vs[v-1]
}

// vetoParties are the public part's veto parties, in order.
func (n *Negotiation) vetoParties() []string {
	var out []string
	for _, p := range n.Public.Parties {
		if p.Veto {
			out = append(out, p.ID)
		}
	}
	return out
}
