package mission

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// FindingSignature is one guarantor's signature of a consultation's
// finding. The finding takes effect when the agreement's quorum of
// guarantors has signed the same outcome.
type FindingSignature struct {
	Consultation string    `json:"consultation"`
	Guarantor    string    `json:"guarantor"`
	Outcome      string    `json:"outcome"`
	Evidence     string    `json:"evidence,omitempty"`
	At           time.Time `json:"at"`
}

// consultation returns the consultation with an id, or ENOTFOUND.
func (c *Consequences) consultation(id string) (engine.ConsultationState, error) {
	if _, cs, ok := c.set.Consultation(id); ok {
		return cs, nil
	}
	return engine.ConsultationState{}, accord.Errorf(accord.ENOTFOUND, "no consultation %q", id)
}

// Consultation returns the consultation with an id, or ENOTFOUND.
func (c *Consequences) Consultation(id string) (engine.ConsultationState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.consultation(id)
}

// Respond applies a party's answer (accept or dispute, with evidence) to the
// notice of a consultation, at the monitoring clock's time. It returns the
// engine event it applied and what the engine derived; a refused answer
// changes nothing and is an EINVALID error saying why.
func (c *Consequences) Respond(id, party, answer, evidence string) ([]engine.Event, []engine.Derived, map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.consultation(id); err != nil {
		return nil, nil, nil, err
	}
	ag, _, _ := c.set.Consultation(id)
	ev := engine.Event{Type: engine.Response, Agreement: c.key(ag), At: c.latest, Consultation: id, Party: party, Answer: answer, Evidence: evidence}
	if err := c.apply(&ev); err != nil {
		return nil, nil, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	events := []engine.Event{ev}
	return events, c.fresh(), c.verdicts(events), nil
}

// SignFinding records a guarantor's signature of an outcome. When the
// quorum of guarantors has signed the same outcome the finding is applied
// to the engine: the event and what it derived are returned with the
// signature. A guarantor signs a consultation once.
func (c *Consequences) SignFinding(id, guarantor, outcome, evidence string) (FindingSignature, []engine.Event, []engine.Derived, map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sig := FindingSignature{Consultation: id, Guarantor: guarantor, Outcome: outcome, Evidence: evidence, At: c.latest}
	if err := c.checkSignature(sig); err != nil {
		return sig, nil, nil, nil, err
	}
	events, err := c.addSignature(sig)
	if err != nil {
		return sig, nil, nil, nil, err
	}
	return sig, events, c.fresh(), c.verdicts(events), nil
}

func (c *Consequences) checkSignature(sig FindingSignature) error {
	cs, err := c.consultation(sig.Consultation)
	if err != nil {
		return err
	}
	if cs.Stage == engine.StageClosed || cs.Stage == engine.StageNotice {
		return accord.Errorf(accord.EINVALID, "consultation %s is at stage %s: a finding comes after a dispute", cs.ID, cs.Stage)
	}
	return c.checkSigner(sig)
}

// checkSigner checks a signature's guarantor and outcome, and that the
// guarantor has not signed the consultation before.
func (c *Consequences) checkSigner(sig FindingSignature) error {
	a := c.consultationAgreement(sig.Consultation)
	if g := a.Guarantors(); !slices.Contains(g, sig.Guarantor) {
		return accord.Errorf(accord.EFORBIDDEN, "%q is not a guarantor of the agreement %s (%v)", sig.Guarantor, a.ID, g)
	}
	if sig.Outcome != engine.Upheld && sig.Outcome != engine.Dismissed && sig.Outcome != engine.Inconclusive {
		return accord.Errorf(accord.EINVALID, "outcome %q: want upheld, dismissed or inconclusive", sig.Outcome)
	}
	for _, s := range c.signatures[sig.Consultation] {
		if s.Guarantor == sig.Guarantor {
			return accord.Errorf(accord.EINVALID, "%s has already signed the finding of %s (%s)", sig.Guarantor, sig.Consultation, s.Outcome)
		}
	}
	return nil
}

// addSignature keeps a checked signature and applies the finding when the
// quorum has signed one outcome.
func (c *Consequences) addSignature(sig FindingSignature) ([]engine.Event, error) {
	c.signatures[sig.Consultation] = append(c.signatures[sig.Consultation], sig)
	var signers []string
	for _, s := range c.signatures[sig.Consultation] {
		if s.Outcome == sig.Outcome {
			signers = append(signers, s.Guarantor)
		}
	}
	if len(signers) < quorumOf(c.consultationAgreement(sig.Consultation)) {
		return nil, nil
	}
	sort.Strings(signers)
	ag, _, _ := c.set.Consultation(sig.Consultation)
	ev := engine.Event{Type: engine.Finding, Agreement: c.key(ag), At: sig.At, Consultation: sig.Consultation, Outcome: sig.Outcome, SignedBy: signers, Evidence: sig.Evidence}
	if err := c.apply(&ev); err != nil {
		// Cannot happen after checkSignature; keep the state unchanged.
		c.signatures[sig.Consultation] = c.signatures[sig.Consultation][:len(c.signatures[sig.Consultation])-1]
		return nil, fmt.Errorf("applying the finding: %w", err)
	}
	delete(c.signatures, sig.Consultation)
	return []engine.Event{ev}, nil
}

// RestoreSignature re-adds a signature recorded in the ledger whose
// finding had not yet reached its quorum (one that had is in the engine's
// events, restored first). The engine's state is the record's last, so a
// consultation closed unresolved since — every deadline passed short of
// the quorum — keeps its signatures, as it did before the restart: a
// finding's closes it and takes them.
func (c *Consequences) RestoreSignature(sig FindingSignature) {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.checkSignature(sig)
	if cs, cerr := c.consultation(sig.Consultation); err != nil && cerr == nil && cs.Stage == engine.StageClosed && cs.Outcome == engine.Unresolved && cs.Answer == "dispute" {
		err = c.checkSigner(sig)
	}
	if err == nil {
		c.signatures[sig.Consultation] = append(c.signatures[sig.Consultation], sig)
	}
}

// Pending lists the signatures of findings still short of the quorum.
func (c *Consequences) Pending(id string) []FindingSignature {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.signatures[id])
}

// quorumOf is how many guarantors of an agreement must sign a finding.
func quorumOf(a *agreement.Agreement) int {
	if a.Consultation != nil && a.Consultation.Quorum > 0 {
		return a.Consultation.Quorum
	}
	return 1
}

// fresh returns the derived events not yet handed out.
func (c *Consequences) fresh() []engine.Derived {
	d := c.set.DerivedSince(c.shown)
	c.shown += len(d)
	for i := range d {
		d[i].Agreement = c.key(d[i].Agreement) // none for the main agreement, as the record always had
	}
	return d
}
