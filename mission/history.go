package mission

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// History is what the agreement engine acts on, read back from the record
// in order: the engine's events and the guarantors' signatures of findings
// still short of their quorum. The server restores itself from it and
// `accord verify` replays it: one reading of the record, so the two cannot
// disagree.
//
// Only the mission's own derived entries feed the engine; a submission
// never does by itself (an "event" sent for the record changes nothing
// anywhere). When the agreement registers its authors' keys (Signed), every
// response, finding and finding signature the engine acts on must rest on
// a signed submission by its author, earlier in the record, saying the
// same thing: a derived entry without one is an error naming it.
type History struct {
	Signed     bool
	Events     []engine.Event
	Signatures []FindingSignature
	// Attributed counts the responses, finding signatures, provisions done
	// and exchanges that rest on their author's signed submission.
	Attributed int

	// Open returns the content of a sealed entry (sealed.go), checked
	// against its seal by Add; nil content and no error when this reader
	// may not open it. Without Open no sealed entry is opened.
	Open func(accord.Seal) (*accord.Sealed, error)
	// Registry, when set, checks the signature of each sealed submission
	// once opened (ledger.Verify leaves it to whoever can open it).
	Registry *ledger.Registry
	// Sealed counts the sealed entries read, opened or not. Unopened is
	// the first this reader could not open, and its index: from there on
	// the history is partial and Add reads nothing more.
	Sealed        int
	Unopened      *accord.Seal
	UnopenedEntry int64

	eventEntries []int64 // the record's entry holding each of Events

	responses  map[string][]accord.ResponseBody  // by author
	findings   map[string][]accord.FindingBody   // by author
	provisions map[string][]accord.ProvisionBody // by author
	exchanges  map[string][]accord.ExchangeBody  // by author (the verifier)
}

// NewHistory starts reading a record; signed says whether the agreement
// registers its authors' keys.
func NewHistory(signed bool) *History {
	return &History{Signed: signed, responses: map[string][]accord.ResponseBody{}, findings: map[string][]accord.FindingBody{},
		provisions: map[string][]accord.ProvisionBody{}}
}

// Partial reports whether a sealed entry could not be opened: the events
// stop before it.
func (h *History) Partial() bool { return h.Unopened != nil }

// Add reads the record's next entry, i its index.
func (h *History) Add(i int64, e *ledger.Entry) error {
	if h.Unopened != nil {
		return nil
	}
	if seal, ok := accord.SealOf(e.Body); ok {
		h.Sealed++
		var x *accord.Sealed
		if h.Open != nil {
			var err error
			if x, err = h.Open(seal); err != nil {
				return fmt.Errorf("entry %d is sealed (%s, consultation %s): %w", i, seal.SHA256, seal.Consultation, err)
			}
		}
		if x == nil {
			h.Unopened, h.UnopenedEntry = &seal, i
			return nil
		}
		opened, err := e.Open(x)
		if err != nil {
			return fmt.Errorf("entry %d: %v", i, err)
		}
		if h.Registry != nil && opened.Kind == ledger.KindSubmission {
			s := ledger.Submission{Author: opened.Author, ID: opened.ID, Type: opened.Type, Body: opened.Body, Sig: opened.Sig}
			if err := h.Registry.Check(&s); err != nil {
				return fmt.Errorf("entry %d, opened: submission %q by %q: %v", i, opened.ID, opened.Author, err)
			}
		}
		e = &opened
	}
	switch e.Kind {
	case ledger.KindSubmission:
		return h.submission(i, e)
	case ledger.KindDerived:
	default:
		return nil
	}
	switch e.Type {
	case accord.EntryEvent:
		var ev engine.Event
		if err := accord.DecodeStrict(e.Body, &ev); err != nil {
			return fmt.Errorf("entry %d: not an engine event: %v", i, err)
		}
		if err := h.attribute(i, ev); err != nil {
			return err
		}
		h.Events = append(h.Events, ev)
		h.eventEntries = append(h.eventEntries, i)
	case accord.EntryFindingSignature:
		var sig FindingSignature
		if err := accord.DecodeStrict(e.Body, &sig); err != nil {
			return fmt.Errorf("entry %d: not a finding signature: %v", i, err)
		}
		if h.Signed && !h.signedFinding(sig.Guarantor, sig.Consultation, sig.Outcome, sig.Evidence) {
			return fmt.Errorf("entry %d: %s's signature of the finding of %s (%s) rests on no finding %s signed: nothing attributes it", i, sig.Guarantor, sig.Consultation, sig.Outcome, sig.Guarantor)
		}
		if h.Signed {
			h.Attributed++
		}
		h.Signatures = append(h.Signatures, sig)
	}
	return nil
}

// submission keeps a signed response or finding for the derived entries
// that act on it.
func (h *History) submission(i int64, e *ledger.Entry) error {
	switch e.Type {
	case accord.SubmissionResponse:
		var b accord.ResponseBody
		if err := accord.DecodeStrict(e.Body, &b); err != nil {
			return nil // refused by the server; it acted on nothing
		}
		h.responses[e.Author] = append(h.responses[e.Author], b)
	case accord.SubmissionFinding:
		var b accord.FindingBody
		if err := accord.DecodeStrict(e.Body, &b); err != nil {
			return nil
		}
		h.findings[e.Author] = append(h.findings[e.Author], b)
	case accord.SubmissionProvision:
		var b accord.ProvisionBody
		if err := accord.DecodeStrict(e.Body, &b); err != nil {
			return nil
		}
		h.provisions[e.Author] = append(h.provisions[e.Author], b)
	case accord.SubmissionExchange:
		var b accord.ExchangeBody
		if err := accord.DecodeStrict(e.Body, &b); err != nil {
			return nil
		}
		if h.exchanges == nil {
			h.exchanges = map[string][]accord.ExchangeBody{}
		}
		h.exchanges[e.Author] = append(h.exchanges[e.Author], b)
	}
	return nil
}

// attribute checks that a response event rests on its party's signed
// response, and a finding on the recorded signatures of its signers.
func (h *History) attribute(i int64, ev engine.Event) error {
	if !h.Signed {
		return nil
	}
	if ev.Type == engine.Finding {
		for _, g := range ev.SignedBy {
			if !slices.ContainsFunc(h.Signatures, func(s FindingSignature) bool {
				return s.Guarantor == g && s.Consultation == ev.Consultation && s.Outcome == ev.Outcome
			}) {
				return fmt.Errorf("entry %d: the finding of %s (%s) names %s among its signers, but the record holds no signature of %s's", i, ev.Consultation, ev.Outcome, g, g)
			}
		}
		return nil
	}
	if ev.Type == engine.ProvisionDone {
		if !slices.Contains(h.provisions[ev.Party], accord.ProvisionBody{Provision: Qualified(ev)}) {
			return fmt.Errorf("entry %d: provision %s recorded done by %s rests on no provision_done %s signed: nothing attributes it", i, ev.Provision, ev.Party, ev.Party)
		}
		h.Attributed++
		return nil
	}
	if ev.Type == engine.Exchange {
		// Every verifier it names signed this exchange, counts and lists.
		for _, v := range ev.SignedBy {
			if !slices.ContainsFunc(h.exchanges[v], func(b accord.ExchangeBody) bool {
				return b.Exchange == ev.ID && maps.Equal(b.Counts, ev.Counts) && maps.Equal(b.Lists, ev.Lists)
			}) {
				return fmt.Errorf("entry %d: exchange %s names %s as its verifier, but rests on no exchange %s signed with its counts and lists: nothing attributes it", i, ev.ID, v, v)
			}
		}
		h.Attributed++
		return nil
	}
	if ev.Type != engine.Response {
		return nil
	}
	want := accord.ResponseBody{Consultation: ev.Consultation, Answer: ev.Answer, Evidence: ev.Evidence}
	if !slices.Contains(h.responses[ev.Party], want) {
		return fmt.Errorf("entry %d: %s's %s to the notice of %s rests on no response %s signed: nothing attributes it", i, ev.Party, ev.Answer, ev.Consultation, ev.Party)
	}
	h.Attributed++
	return nil
}

func (h *History) signedFinding(guarantor, consultation, outcome, evidence string) bool {
	return slices.Contains(h.findings[guarantor], accord.FindingBody{Consultation: consultation, Outcome: outcome, Evidence: evidence})
}

// readHistory reads a ledger's history from its first entry, opening the
// sealed entries from the sealed store; each, when not nil, is shown every
// entry as it is read (the incident versions recorded: catchup.go).
func readHistory(ctx context.Context, l Ledger, signed bool, store accord.SealedStore, each func(*ledger.Entry)) (*History, error) {
	h := NewHistory(signed)
	if store != nil {
		h.Open = func(s accord.Seal) (*accord.Sealed, error) { return store.Sealed(ctx, s.SHA256) }
	}
	err := eachEntry(l, func(i int64, e *ledger.Entry) error {
		if each != nil {
			each(e)
		}
		return h.Add(i, e)
	})
	if err != nil {
		return nil, err
	}
	if h.Partial() {
		return nil, fmt.Errorf("entry %d is sealed (%s) and no sealed store holds its content", h.UnopenedEntry, h.Unopened.SHA256)
	}
	return h, nil
}

// eachEntry calls f with each entry of a ledger, decoded, in order,
// stopping at its first error.
func eachEntry(l Ledger, f func(i int64, e *ledger.Entry) error) error {
	for i := int64(0); i < l.Len(); i++ {
		rec, err := l.Record(i)
		if err != nil {
			return err
		}
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			return fmt.Errorf("entry %d: %v", i, err)
		}
		if err := f(i, &e); err != nil {
			return err
		}
	}
	return nil
}

// Replay reads the record's first n entries (data in the ledger's file
// format, already verified) into h, as the server reads them at restart,
// and replays the engine's events through the agreements' engines: the
// state every party must reach. When h could not open a sealed entry
// (h.Partial()), nothing is replayed and the states are nil. `accord
// verify` and `accord witness` both call it: one replay for both.
func Replay(data []byte, n int64, as []*agreement.Agreement, h *History) ([]*engine.State, error) {
	r, err := NewReplayer(as, h)
	if err != nil {
		return nil, err
	}
	return r.Extend(data, n)
}

// Replayer is Replay kept between calls, for a copy of the record that
// grows (a witness's): each Extend reads the entries that follow those
// read into the history and applies their events to the engines as they
// stand, so that a round costs what it adds. After an error it is spoilt:
// the caller replays afresh.
type Replayer struct {
	h       *History
	set     *engine.Set
	n       int64 // entries read into h
	applied int   // h.Events applied to set
	err     error
}

// NewReplayer returns a replayer of the agreements' engines from the
// record's first entry, reading it into h.
func NewReplayer(as []*agreement.Agreement, h *History) (*Replayer, error) {
	set, err := engine.NewSet(as...)
	if err != nil {
		return nil, err
	}
	return &Replayer{h: h, set: set}, nil
}

// Len is the number of entries read.
func (r *Replayer) Len() int64 { return r.n }

// History is the history the replayer reads the entries into.
func (r *Replayer) History() *History { return r.h }

// Extend reads entries Len() to n−1 (data: their frames, in the ledger's
// file format, already verified) and returns the agreements' states after
// them, as Replay of the first n entries returns them: nil when the
// history could not open a sealed entry (h.Partial()).
func (r *Replayer) Extend(data []byte, n int64) ([]*engine.State, error) {
	if r.err != nil {
		return nil, fmt.Errorf("the replay failed before (%v): replay afresh", r.err)
	}
	if err := ledger.EntriesFrom(data, r.n, n-r.n, r.h.Add); err != nil {
		r.err = err
		return nil, err
	}
	r.n = n
	if r.h.Partial() {
		return nil, nil
	}
	for ; r.applied < len(r.h.Events); r.applied++ {
		if err := r.set.Apply(r.h.Events[r.applied]); err != nil {
			// The engine names the event by its own sequence number; the
			// reader of a record looks for the entry that holds it.
			if r.applied < len(r.h.eventEntries) {
				err = &EntryError{Entry: r.h.eventEntries[r.applied], Err: err}
			}
			r.err = err
			return nil, err
		}
	}
	return r.set.States(), nil
}

// EntryError is the engine's refusal of the event the record's entry
// Entry holds (Replayer.Extend).
type EntryError struct {
	Entry int64
	Err   error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %d: %v", e.Entry, e.Err) }

func (e *EntryError) Unwrap() error { return e.Err }
