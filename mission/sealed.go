package mission

import (
	"context"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// The record restricts what concerns a consultation still open: the
// notice to its party and what the engine derives while it runs, the
// party's answer and evidence (its signed submission and the engine's
// response event) and each guarantor's signature before the quorum. Such
// an entry is sealed: the ledger holds a commitment to its content
// (accord.Seal), the content is kept in the sealed store and served to
// those who may read the consultation's notice (the party concerned, the
// guarantors, the mediators), and to everyone once the consultation is
// closed. So /v1/feed, /v1/ledger and /v1/entries reveal to the public no
// more than /v1/consultations does, and every proof still holds. What a
// closed consultation causes (its finding, the snapback) is public when
// written.

// sealer gathers the content of the entries a step seals.
type sealer struct {
	sealed []accord.Sealed
	err    error
}

// sealIf returns the entry sealed when it concerns a consultation still
// open after this step, else the entry itself. The caller holds engineMu.
func (m *Mission) sealIf(s *sealer, e ledger.Entry, consultation string) ledger.Entry {
	if consultation == "" || m.cfg.Sealed == nil || m.consequences == nil {
		return e
	}
	if c, err := m.consequences.Consultation(consultation); err != nil || c.Stage == engine.StageClosed {
		return e
	}
	x, err := accord.NewSealed(e.Body, consultation)
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return e
	}
	s.sealed = append(s.sealed, x)
	e.Body = x.Body()
	return e
}

// Sealed returns the content of a seal in the record and the consultation
// it concerns as it now stands, for the caller to decide who may read it:
// ENOTFOUND when the mission holds no such seal.
func (m *Mission) Sealed(ctx context.Context, sha256 string) (*accord.Sealed, engine.ConsultationState, error) {
	if m.cfg.Sealed == nil || m.consequences == nil {
		return nil, engine.ConsultationState{}, accord.Errorf(accord.ENOTFOUND, "this mission seals nothing")
	}
	if len(sha256) != 64 || strings.Trim(sha256, "0123456789abcdef") != "" {
		return nil, engine.ConsultationState{}, accord.Errorf(accord.ENOTFOUND, "no seal %.80q: a seal is 64 lowercase hex digits", sha256)
	}
	x, err := m.cfg.Sealed.Sealed(ctx, sha256)
	if err != nil {
		return nil, engine.ConsultationState{}, err
	}
	c, err := m.consequences.Consultation(x.Consultation)
	return x, c, err
}
