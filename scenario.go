package accord

// Roles a party can hold on a track.
const (
	RoleNegotiator  = "negotiator"
	RoleGuarantor   = "guarantor"
	RoleImplementer = "implementer"
	RoleMonitor     = "monitor"
	RoleObserver    = "observer"
)

// Option natures.
const (
	NaturePermanent = "permanent"
	NatureTemporary = "temporary"
)

// Scenario is a multi-party negotiation: who negotiates, over which issues,
// what each party wants, and the proposals on the table. It is the parsed form
// of the scenario file defined in docs/scenario.md; a Scenario returned by the
// scenario package has been validated, so every reference resolves.
type Scenario struct {
	ID        string
	Title     string
	Parties   []Party
	Tracks    []Track
	Issues    []Issue
	Positions map[string]*Position // by party id; a party may have none
	Proposals []Proposal
}

// Party is one side of the negotiation.
type Party struct {
	ID   string
	Name string
	// Veto parties decide acceptability: a package is acceptable only when
	// every veto party accepts it.
	Veto  bool
	Roles map[string]string // track id -> role
}

// Track groups issues negotiated together (ceasefire, territory, ...).
type Track struct {
	ID   string
	Name string
}

// Issue is one question of the negotiation; a package picks one option.
type Issue struct {
	ID       string
	Track    string
	Question string
	Options  []Option
}

// Option is one possible answer to an issue.
type Option struct {
	ID     string
	Label  string
	Nature string // NaturePermanent or NatureTemporary
	// Instruments are free tags naming the bridging instruments the option
	// uses (de-facto, reservation-clause, snapback, ...).
	Instruments []string
}

// Position is what one party wants.
type Position struct {
	// BATNA is the reservation value: the party accepts nothing worth less.
	// When the file gives a range, BATNA is its midpoint.
	BATNA float64
	// BATNARange is the range [lo, hi] the file gives for the batna, nil
	// when it gives a number (docs/scenario.md, Ranges).
	BATNARange   *[2]float64
	Issues       map[string]IssuePosition // by issue id
	Interactions []Interaction
	Sequencing   []SequencingDemand
	Sources      []string
}

// IssuePosition is a party's stake in one issue.
type IssuePosition struct {
	Weight   float64            // salience, >= 0; normalised over the party's issues
	Utility  map[string]float64 // option id -> 0..100; a missing option is worth 0
	RedLines []string           // options the party can never accept
	// Ranges the file gives instead of a number (docs/scenario.md,
	// Ranges): Weight and Utility then hold their midpoints, which every
	// analysis uses; package robust draws within the ranges. nil when the
	// file gives numbers only.
	WeightRange  *[2]float64
	UtilityRange map[string][2]float64 // option id -> [lo, hi]
}

// Interaction adds Bonus to a party's utility when every When pair holds.
type Interaction struct {
	When  map[string]string // issue id -> option id
	Bonus float64
}

// SequencingDemand says a party insists track First is settled before Then.
type SequencingDemand struct {
	First string
	Then  string
}

// Proposal is a package (possibly partial) put on the table by someone.
type Proposal struct {
	ID      string
	Title   string
	By      string
	Source  string
	Choices map[string]string // issue id -> option id; absent = undecided
}

// Party returns the party with the given id.
func (s *Scenario) Party(id string) (*Party, bool) {
	for i := range s.Parties {
		if s.Parties[i].ID == id {
			return &s.Parties[i], true
		}
	}
	return nil, false
}

// Issue returns the issue with the given id.
func (s *Scenario) Issue(id string) (*Issue, bool) {
	for i := range s.Issues {
		if s.Issues[i].ID == id {
			return &s.Issues[i], true
		}
	}
	return nil, false
}

// Proposal returns the proposal with the given id.
func (s *Scenario) Proposal(id string) (*Proposal, bool) {
	for i := range s.Proposals {
		if s.Proposals[i].ID == id {
			return &s.Proposals[i], true
		}
	}
	return nil, false
}

// OptionIndex returns the index of option id in the issue, or -1.
func (is *Issue) OptionIndex(id string) int {
	for i, o := range is.Options {
		if o.ID == id {
			return i
		}
	}
	return -1
}
