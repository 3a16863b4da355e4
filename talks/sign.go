package talks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// The concluded package becomes an agreement: compiled as `accord
// agreement draft` compiles a package (agreement.Draft, the veto parties
// its parties), each party signs the draft's SHA-256, and once every one
// has signed the agreement is in force and its engine starts.

// Agreement is the concluded package compiled into an agreement draft, as
// YAML, and its hex SHA-256 (what the parties sign).
func (n *Negotiation) Agreement() (yaml []byte, sha string, err error) {
	if n.Concluded == nil {
		return nil, "", fmt.Errorf("negotiation %s has not concluded: no package every veto party accepted yet (%d round(s))", n.ID, len(n.Rounds))
	}
	a := agreement.Draft(n.Public, "public.yaml", fmt.Sprintf("negotiation %s, round %d", n.ID, n.Concluded.Round), n.Concluded.Package)
	if yaml, err = a.YAML(); err != nil {
		return nil, "", err
	}
	h := sha256.Sum256(yaml)
	return yaml, hex.EncodeToString(h[:]), nil
}

// signing is the state of the agreement's signature.
type signing struct {
	Signed  []string   // parties that signed, in order
	InForce *time.Time // when the last signature came
}

func (n *Negotiation) applySigned(e Event) error {
	if n.Concluded == nil {
		return fmt.Errorf("negotiation %s has not concluded: there is no agreement to sign", n.ID)
	}
	if !slices.Contains(n.vetoParties(), e.Party) {
		return fmt.Errorf("negotiation %s: %q is not a party to the agreement (the veto parties %v sign it)", n.ID, e.Party, n.vetoParties())
	}
	if slices.Contains(n.sign.Signed, e.Party) {
		return fmt.Errorf("negotiation %s: %s signed the agreement already", n.ID, e.Party)
	}
	_, sha, err := n.Agreement()
	if err != nil {
		return err
	}
	if e.Agreement != sha {
		return fmt.Errorf("negotiation %s: %s signs agreement %q; the concluded package compiles to %s", n.ID, e.Party, e.Agreement, sha)
	}
	n.sign.Signed = append(n.sign.Signed, e.Party)
	return nil
}

func (n *Negotiation) applyInForce(e Event) error {
	if n.Concluded == nil || len(n.sign.Signed) != len(n.vetoParties()) {
		return fmt.Errorf("negotiation %s: the agreement is in force once every veto party has signed (%d of %d)", n.ID, len(n.sign.Signed), len(n.vetoParties()))
	}
	if n.sign.InForce != nil {
		return fmt.Errorf("negotiation %s: the agreement is in force already", n.ID)
	}
	if e.At == nil || e.At.IsZero() {
		return fmt.Errorf("negotiation %s: entry into force without its time", n.ID)
	}
	at := e.At.UTC()
	n.sign.InForce = &at
	return nil
}

// InForce returns the event that puts the agreement in force once every
// veto party has signed it, at a time; ok is false before.
func (n *Negotiation) InForce(at time.Time) (Event, bool) {
	if n.Concluded == nil || n.sign.InForce != nil || len(n.sign.Signed) != len(n.vetoParties()) {
		return Event{}, false
	}
	at = at.UTC().Truncate(time.Second)
	return Event{Type: TypeInForce, Negotiation: n.ID, At: &at}, true
}

// Signatures are the parties that signed the agreement, and when it
// entered into force (nil before).
func (n *Negotiation) Signatures() ([]string, *time.Time) {
	return slices.Clone(n.sign.Signed), n.sign.InForce
}

// Engine is the agreement engine's state, started by the parties'
// signatures: nil before the agreement is in force.
func (n *Negotiation) Engine() (*engine.State, error) {
	if n.sign.InForce == nil {
		return nil, nil
	}
	y, _, err := n.Agreement()
	if err != nil {
		return nil, err
	}
	a, err := agreement.Parse("negotiation "+n.ID+" agreement", y)
	if err != nil {
		return nil, err
	}
	var log []engine.Event
	for i, p := range n.sign.Signed {
		log = append(log, engine.Event{Seq: i + 1, At: *n.sign.InForce, Type: engine.Sign, Party: p})
	}
	return engine.Replay(a, log)
}
