package reconstruction

import "time"

// Sources of a fund.
const (
	FrozenAssets = "frozen-assets"
	Pledge       = "pledge"
	Loan         = "loan"
)

// Sources are the kinds of fund.
var Sources = []string{FrozenAssets, Pledge, Loan}

// Project statuses.
const (
	Planned   = "planned"
	Active    = "active"
	Complete  = "complete"
	Cancelled = "cancelled"
)

// Statuses are the statuses of a project.
var Statuses = []string{Planned, Active, Complete, Cancelled}

// Fund is money available for reconstruction.
type Fund struct {
	ID     string `json:"id"`
	Source string `json:"source"` // frozen-assets, pledge or loan
	Owner  string `json:"owner"`  // who holds and commits it
	Amount Money  `json:"amount"`
}

// Project is a reconstruction project.
type Project struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Sector      string `json:"sector"`
	Oblast      string `json:"oblast"`
	Cost        Money  `json:"cost"`
	Implementer string `json:"implementer"`
	Status      string `json:"status"`
}

// Commitment is money of a fund promised to a project, released under a
// condition of the agreement.
type Commitment struct {
	ID      string `json:"id"`
	Fund    string `json:"fund"`
	Project string `json:"project"`
	Amount  Money  `json:"amount"`
	// Condition is when a disbursement may be made, in the agreement's
	// condition language; empty is always (snapback still blocks).
	Condition string `json:"condition,omitempty"`
	// ConfirmBy names the guarantors of the agreement who must each
	// confirm a disbursement (a Confirmation of its id and amount) before
	// it is released; empty needs no confirmation.
	ConfirmBy []string `json:"confirm_by,omitempty"`
}

// Disbursement is money paid out against a commitment.
type Disbursement struct {
	ID         string    `json:"id"`
	Commitment string    `json:"commitment"`
	Amount     Money     `json:"amount"`
	At         time.Time `json:"at"`
	// AgreementSeq is the sequence number of the agreement state the
	// release was decided on.
	AgreementSeq int `json:"agreement_seq"`
}

// Confirmation is a guarantor's confirmation that the conditions of a
// disbursement hold: the disbursement's id and amount, against a
// commitment that names the guarantor in ConfirmBy. It does not release
// the money: the disbursement is still decided on the agreement's state.
type Confirmation struct {
	ID           string `json:"id"`
	Commitment   string `json:"commitment"`
	Disbursement string `json:"disbursement"`
	Amount       Money  `json:"amount"`
	Guarantor    string `json:"guarantor"`
	// AgreementSeq is the agreement entry the confirmation was made on.
	AgreementSeq int `json:"agreement_seq"`
}

// Refusal records what was refused and why.
type Refusal struct {
	Type   string `json:"type"` // the refused event's type
	ID     string `json:"id"`
	Reason string `json:"reason"`
	// Project is the project the refused event was about, when the
	// registry knows it (a project, or a commitment's, a disbursement's
	// or a confirmation's through its commitment): where the refusal
	// is counted by oblast and sector.
	Project string `json:"project,omitempty"`
}
