package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/accord-peace/accord"
)

// State is where an agreement stands. Its JSON form is canonical: the same
// log gives the same bytes, every time in UTC (the same instants written
// with another offset give the same state).
type State struct {
	Agreement     string              `json:"agreement"`
	Seq           int                 `json:"seq"`
	Now           time.Time           `json:"now"`
	Signed        []Signature         `json:"signed"`
	InForce       *time.Time          `json:"in_force"`
	Provisions    []ProvisionState    `json:"provisions"`
	Phases        []PhaseState        `json:"phases"`
	Violations    []ViolationState    `json:"violations"`
	Consultations []ConsultationState `json:"consultations"`
	Tranches      []TrancheState      `json:"tranches"`
	Snapback      *SnapbackState      `json:"snapback"`
	// Snapbacks are the earlier snapbacks, lifted, when a later one was
	// notified: the record keeps every one.
	Snapbacks []SnapbackState `json:"snapbacks,omitempty"`
	// Exchanges are the prisoner exchanges recorded, Exchanged the persons
	// released in them by releasing party, Quotas the periods of the quota
	// provisions assessed (exchange.go).
	Exchanges []ExchangeState `json:"exchanges,omitempty"`
	Exchanged map[string]int  `json:"exchanged,omitempty"`
	Quotas    []QuotaState    `json:"quotas,omitempty"`
	// Derived are the events the engine derived from the log, in order.
	Derived []Derived `json:"derived"`
}

// Signature records a party's signature.
type Signature struct {
	Party string    `json:"party"`
	At    time.Time `json:"at"`
}

// Provision statuses.
const (
	Pending = "pending"
	Done    = "done"
	Overdue = "overdue"
)

// ProvisionState is where a provision stands.
type ProvisionState struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	Due    *time.Time `json:"due"`
	DoneAt *time.Time `json:"done_at"`
}

// Phase statuses.
const (
	Open      = "open"
	Suspended = "suspended"
)

// PhaseState is where a phase stands.
type PhaseState struct {
	ID       string     `json:"id"`
	Status   string     `json:"status"`
	OpenedAt *time.Time `json:"opened_at"`
}

// ViolationState is a confirmed violation in the record.
type ViolationState struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Rule     string    `json:"rule"`
	Party    string    `json:"party"`
	Severity string    `json:"severity"`
	Incident string    `json:"incident,omitempty"`
	// Status is confirmed, or dismissed by a finding.
	Status string `json:"status"`
}

// Consultation stages (the root package's vocabulary).
const (
	StageNotice    = accord.StageNotice
	StageJoint     = accord.StageJoint
	StageMinisters = accord.StageMinisters
	StageAdvisory  = accord.StageAdvisory
	StageClosed    = accord.StageClosed
)

// Outcomes of a consultation.
const (
	Upheld       = accord.OutcomeUpheld
	Dismissed    = accord.OutcomeDismissed
	Inconclusive = accord.OutcomeInconclusive
	Unresolved   = accord.OutcomeUnresolved
)

// ConsultationState is where the consultation on one violation stands.
type ConsultationState struct {
	ID        string     `json:"id"`
	Violation string     `json:"violation"`
	Party     string     `json:"party"`
	Severity  string     `json:"severity"`
	Stage     string     `json:"stage"`
	Deadline  *time.Time `json:"deadline"`
	Answer    string     `json:"answer,omitempty"`
	Evidence  string     `json:"evidence,omitempty"`
	Outcome   string     `json:"outcome,omitempty"`
	ClosedAt  *time.Time `json:"closed_at"`
	SignedBy  []string   `json:"signed_by,omitempty"`
}

// Tranche statuses.
const (
	Released  = "released"
	Reimposed = "reimposed"
	Blocked   = "blocked"
)

// TrancheState is where a tranche of relief stands.
type TrancheState struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	At     *time.Time `json:"at"`
}

// SnapbackState records a snapback.
type SnapbackState struct {
	Cause       string    `json:"cause"`
	NotifiedAt  time.Time `json:"notified_at"`
	EffectiveAt time.Time `json:"effective_at"`
	Effective   bool      `json:"effective"`
	// LiftedAt is when the agreement's lift condition held and ended the
	// snapback (nil while in force; never set without enforcement.lift).
	LiftedAt *time.Time `json:"lifted_at,omitempty"`
}

// InForce reports whether the snapback has taken effect and has not been
// lifted.
func (sb *SnapbackState) InForce() bool {
	return sb != nil && sb.Effective && sb.LiftedAt == nil
}

// Derived is an event the engine derived.
type Derived struct {
	Seq  int       `json:"seq"` // the log entry that led to it
	At   time.Time `json:"at"`
	What string    `json:"what"`
	// Consultation is the consultation it concerns, if one: what the
	// record restricts while the consultation is open. It is not part of
	// the state (nor of its hash).
	Consultation string `json:"-"`
	// Agreement is the agreement of a set that derived it: Set.DerivedSince
	// sets it; a single agreement's state never does.
	Agreement string `json:"agreement,omitempty"`
}

// JSON is the state's canonical JSON.
func (s *State) JSON() []byte {
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}

// Hash is the SHA-256 of the canonical JSON, in hex.
func (s *State) Hash() string {
	h := sha256.Sum256(s.JSON())
	return hex.EncodeToString(h[:])
}

func tp(t time.Time) *time.Time { return &t }

// Reached returns when a point of the agreement's clock was reached, and
// whether it was: "provision:ID" is the provision's deadline (once set),
// "phase:ID" the phase's opening.
func (s *State) Reached(ref string) (time.Time, bool) {
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "provision":
		for _, p := range s.Provisions {
			if p.ID == id && p.Due != nil {
				return *p.Due, true
			}
		}
	case "phase":
		for _, p := range s.Phases {
			if p.ID == id && p.OpenedAt != nil {
				return *p.OpenedAt, true
			}
		}
	}
	return time.Time{}, false
}

// RuleInForce reports whether a rule with these bounds is in force at a time
// (agreement.InForce: from included, until excluded; a bound not reached
// yet keeps the rule out of force, or in). A provision's deadline is the
// last instant it is in time and belongs to the period before it: a rule
// from provision:ID is in force from the next instant (the first the
// provision is late), one until provision:ID through the deadline. A
// phase's opening is the first instant of the phase.
func (s *State) RuleInForce(from, until string, at time.Time) bool {
	if from != "" {
		t, ok := s.starts(from)
		if !ok || at.Before(t) {
			return false
		}
	}
	if until != "" {
		if t, ok := s.starts(until); ok && !at.Before(t) {
			return false
		}
	}
	return true
}

// starts is the first instant after a point of the agreement's clock was
// reached (Reached): a phase's opening itself, the instant after a
// provision's deadline.
func (s *State) starts(ref string) (time.Time, bool) {
	t, ok := s.Reached(ref)
	if ok && strings.HasPrefix(ref, "provision:") {
		t = t.Add(time.Nanosecond)
	}
	return t, ok
}
