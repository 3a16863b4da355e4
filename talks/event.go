package talks

import (
	"time"

	"github.com/accord-peace/accord"
)

// Types of the negotiation's entries in the record.
const (
	// TypeOpened opens a negotiation on its public part (mediator).
	TypeOpened = "negotiation_opened"
	// TypePosition commits a party to a version of its position (party,
	// signed); the record holds the commitment, not the position.
	TypePosition = "negotiation_position"
	// TypeDraft puts a text on the table and opens a round (mediator).
	TypeDraft = "negotiation_draft"
	// TypeAnswer is a party's answer to the round's draft (party, signed);
	// the record holds the commitment, not the verdict.
	TypeAnswer = "negotiation_answer"
	// TypeRequest is a party's request to evaluate a text of its own
	// (party, signed); the record holds the commitment, not the text.
	TypeRequest = "negotiation_request"
	// TypeRoundClosed closes a round, naming the tracks agreed in it
	// provisionally.
	TypeRoundClosed = "negotiation_round_closed"
	// TypeConcluded ends the negotiation: every veto party accepted the
	// whole text.
	TypeConcluded = "negotiation_concluded"
	// TypeSigned is a veto party's signature of the agreement the
	// concluded package compiles to (party, signed): its SHA-256.
	TypeSigned = "negotiation_signed"
	// TypeInForce puts the agreement in force once every veto party has
	// signed it: its engine starts.
	TypeInForce = "negotiation_in_force"
)

// Methods by which a draft's text was made.
const (
	MethodMediator = "mediator"        // written by the mediator
	MethodBridge   = "bridge"          // the acceptable package nearest the current text
	MethodCommon   = "common-security" // the common-security solution
)

// Answers a party gives to a draft.
const (
	AnswerAccept = "accept"
	AnswerObject = "object"
)

// Event is one entry of a negotiation's history. Its JSON form (Public) is
// what the record holds; the confidential content a party committed to —
// its position, its verdict, the text it asked about — travels beside it
// (Position, Answer, Request), never in the record, and is given by
// whoever may hold it: the mediation flow decrypts it for the mediator.
type Event struct {
	Type        string `json:"type"`
	Negotiation string `json:"negotiation"`

	// TypeOpened: the public part (a scenario file without positions),
	// the mediator's actor, the method by which accord proposes drafts
	// and how many texts a party may ask about per round.
	Public      string `json:"public,omitempty"`
	Mediator    string `json:"mediator,omitempty"`
	Method      string `json:"method,omitempty"` // TypeDraft too: how its text was made
	MaxRequests int    `json:"max_requests,omitempty"`

	// TypePosition, TypeAnswer, TypeRequest: the author and the salted
	// commitment to the content.
	Party      string `json:"party,omitempty"`
	Version    int    `json:"version,omitempty"` // TypePosition: 1, 2, ... per party
	Commitment string `json:"commitment,omitempty"`

	// TypeDraft, TypeAnswer, TypeRequest, TypeRoundClosed, TypeConcluded.
	Round int `json:"round,omitempty"`

	// TypeDraft: the track revised ("" for the whole text), the whole text
	// (issue -> option; an absent issue is undecided), the position
	// versions it was evaluated on, and whether every veto party accepts
	// it. TypeConcluded: Text is the package agreed.
	Scope           string            `json:"scope,omitempty"`
	Text            map[string]string `json:"text,omitempty"`
	Basis           map[string]int    `json:"basis,omitempty"`
	AcceptableToAll *bool             `json:"acceptable_to_all,omitempty"`

	// TypeRoundClosed: the tracks agreed provisionally in the round.
	Provisional []string `json:"provisional,omitempty"`

	// TypeSigned: the hex SHA-256 of the agreement draft signed.
	Agreement string `json:"agreement_sha256,omitempty"`
	// TypeInForce: when.
	At *time.Time `json:"at,omitempty"`

	// Confidential content, never in the record.
	Position *accord.Position `json:"-"`
	Answer   *Answer          `json:"-"`
	Request  *Request         `json:"-"`
}

// Answer is a party's verdict on a draft: accept, or object on named
// issues.
type Answer struct {
	Answer string   `json:"answer"`
	Issues []string `json:"issues,omitempty"`
}

// Request is a text a party asks the mediator to evaluate for it.
type Request struct {
	Text map[string]string `json:"text"`
}

// Record is the event as the record holds it: the confidential content
// left out.
func (e Event) Record() Event {
	e.Position, e.Answer, e.Request = nil, nil, nil
	return e
}
