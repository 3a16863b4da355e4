package mission

import (
	"context"
	"errors"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// Submit takes a signed submission for the record — a party's response
// (accord.ResponseBody) or a guarantor's finding (accord.FindingBody), the
// author being who answers or signs — and acts on it as Respond and
// SignFinding do: the submission, and what the engine did with it, are
// appended in one durable batch, so the record attributes every answer and
// finding to its author's key. Anything else is refused, the refusal
// recorded and an error returned saying why (EINVALID; ENOTFOUND for no
// such consultation; EFORBIDDEN for an author who may not): a bad
// signature, a replay, another type (an observation batch's summary
// travels with its batch), a malformed body, or an answer the engine
// refuses.
func (m *Mission) Submit(ctx context.Context, s ledger.Submission) (ConsultationResult, error) {
	if m.cfg.Ledger == nil {
		return ConsultationResult{}, accord.Errorf(accord.EINVALID, "this mission keeps no record: it takes no submissions")
	}
	refuse := func(err error) (ConsultationResult, error) { return ConsultationResult{}, m.refuse(s, err) }
	if s.Type == accord.SubmissionProvision {
		return refuse(accord.Errorf(accord.EINVALID, "a %q submission answers with the provision: SubmitProvision", s.Type))
	}
	if s.Type == accord.SubmissionExchange {
		return refuse(accord.Errorf(accord.EINVALID, "a %q submission travels with its sealed lists: SubmitExchange", s.Type))
	}
	if err := m.cfg.Ledger.Check(&s); err != nil {
		return refuse(err)
	}
	entry := ledger.SubmissionEntry(s)
	switch s.Type {
	case accord.SubmissionResponse:
		var b accord.ResponseBody
		if err := accord.DecodeStrictText(s.Body, &b); err != nil {
			return refuse(accord.Errorf(accord.EINVALID, `a response's body is {"consultation", "answer", "evidence"}: %v`, err))
		}
		if m.consequences == nil {
			return refuse(errNoEngine())
		}
		m.engineMu.Lock()
		res, ok, err := m.respond(ctx, b.Consultation, s.Author, b.Answer, b.Evidence, true, []ledger.Entry{entry})
		if !ok {
			return refuse(err)
		}
		return res, err
	case accord.SubmissionFinding:
		var b accord.FindingBody
		if err := accord.DecodeStrictText(s.Body, &b); err != nil {
			return refuse(accord.Errorf(accord.EINVALID, `a finding's body is {"consultation", "outcome", "evidence"}: %v`, err))
		}
		if m.consequences == nil {
			return refuse(errNoEngine())
		}
		m.engineMu.Lock()
		res, ok, err := m.signFinding(ctx, b.Consultation, s.Author, b.Outcome, b.Evidence, []ledger.Entry{entry})
		if !ok {
			return refuse(err)
		}
		return res, err
	case accord.SubmissionObservations:
		return refuse(accord.Errorf(accord.EINVALID, "a signed batch's summary travels with its batch: POST /v1/observations with the Accord-Author, Accord-Id and Accord-Signature headers"))
	}
	return refuse(accord.Errorf(accord.EINVALID, "type %q: the record takes %q, %q and %q submissions (observation batches travel with their observations)", s.Type, accord.SubmissionResponse, accord.SubmissionFinding, accord.SubmissionProvision))
}

// SubmitProvision takes a party's signed record that it carried out a
// provision (accord.ProvisionBody, the author the party) and acts on it as
// ProvisionDone does, the submission and what it caused appended in one
// durable batch; a refusal is recorded, as Submit records it.
func (m *Mission) SubmitProvision(ctx context.Context, s ledger.Submission) (ProvisionResult, error) {
	if m.cfg.Ledger == nil {
		return ProvisionResult{}, accord.Errorf(accord.EINVALID, "this mission keeps no record: it takes no submissions")
	}
	refuse := func(err error) (ProvisionResult, error) { return ProvisionResult{}, m.refuse(s, err) }
	if s.Type != accord.SubmissionProvision {
		return refuse(accord.Errorf(accord.EINVALID, "type %q is not a provision done", s.Type))
	}
	if err := m.cfg.Ledger.Check(&s); err != nil {
		return refuse(err)
	}
	var b accord.ProvisionBody
	if err := accord.DecodeStrictText(s.Body, &b); err != nil {
		return refuse(accord.Errorf(accord.EINVALID, `a provision_done's body is {"provision"}: %v`, err))
	}
	if m.consequences == nil {
		return refuse(errNoEngine())
	}
	m.engineMu.Lock()
	res, ok, err := m.provisionDone(ctx, b.Provision, s.Author, []ledger.Entry{ledger.SubmissionEntry(s)})
	if !ok {
		return refuse(err)
	}
	return res, err
}

// refuse records a submission's refusal and returns the error saying why
// (EINVALID unless the cause says otherwise).
func (m *Mission) refuse(s ledger.Submission, err error) error {
	if _, aerr := m.cfg.Ledger.AppendAll([]ledger.Entry{ledger.RefusalEntry(s, err.Error())}); aerr != nil {
		return aerr
	}
	code := accord.EINVALID
	var e *accord.Error
	if errors.As(err, &e) {
		code = e.Code
	}
	return accord.Errorf(code, "submission %q by %q refused, and the refusal recorded: %v", s.ID, s.Author, err)
}
