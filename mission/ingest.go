package mission

import (
	"context"
	"encoding/json"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// IngestResult is what a batch did.
type IngestResult struct {
	Added      int `json:"added"`
	Duplicates int `json:"duplicates"`
	// Incidents are the incidents the batch changed — joined, opened,
	// closed, marked by a ceiling — as they now stand.
	Incidents []monitor.Incident `json:"incidents"`
	// LastEntry is the ledger index of the last entry the batch wrote (the
	// feed's event id), when the mission keeps a record.
	LastEntry *int64 `json:"last_entry,omitempty"`
}

// Ingest takes a batch of validated observations, all or nothing. With a
// submission (the batch's signed summary, its signature already checked by
// the caller) the submission is appended to the ledger with the batch; a
// replayed one is refused and the refusal recorded. The observations new to
// the store go through the pipeline and the agreement engine; the
// incidents they change, the engine's events and what it derived are
// stored and recorded in one durable batch.
func (m *Mission) Ingest(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (IngestResult, error) {
	res := IngestResult{Incidents: []monitor.Incident{}}
	if sub != nil && m.cfg.Ledger == nil {
		return res, accord.Errorf(accord.EINVALID, "this mission keeps no record: it cannot take signed batches")
	}
	m.storeMu.Lock()
	if sub != nil && m.cfg.Ledger.Seen(sub.Author, sub.ID) {
		_, err := m.cfg.Ledger.Submit(*sub) // records the refused replay
		m.storeMu.Unlock()
		return res, err
	}
	put, err := m.cfg.Observations.Put(ctx, batch)
	if err == nil && sub != nil {
		_, err = m.cfg.Ledger.Submit(*sub)
	}
	if err != nil {
		m.storeMu.Unlock()
		return res, err
	}
	// Stored: from here on the batch goes through whatever the caller's
	// context does.
	ctx = context.WithoutCancel(ctx)
	res.Added, res.Duplicates = put.Added, put.Duplicates
	fresh := make([]*monitor.Observation, 0, put.Added)
	for i := range batch {
		if put.New[i] {
			fresh = append(fresh, &batch[i])
		}
	}
	m.pipeMu.Lock()
	m.storeMu.Unlock()
	res.Incidents = m.pipeline.Observe(fresh)
	m.applyVerdicts(res.Incidents)
	var events []engine.Event
	var derived []engine.Derived
	var verdicts map[string]string
	if m.consequences != nil {
		events, derived, verdicts = m.consequences.Observe(res.Incidents)
	}
	m.recordMu.Lock()
	m.learnVerdicts(verdicts)
	m.pipeMu.Unlock()
	defer m.recordMu.Unlock()
	res.LastEntry, err = m.record(ctx, res.Incidents, verdicts, nil, events, derived)
	return res, err
}

// learnVerdicts keeps new verdicts for the versions the pipeline hands out
// from now on. The caller holds pipeMu.
func (m *Mission) learnVerdicts(verdicts map[string]string) {
	for id, st := range verdicts {
		m.verdicts[id] = st
	}
}

// record stores the changed incidents — with the verdicts just given, and
// the incidents those verdicts change besides — then appends to the ledger
// the entries given, the incidents, the engine's events and what it
// derived, in one durable batch, and tells the publisher. It returns the
// last entry's index (nil without a ledger or entries). The caller holds
// recordMu.
func (m *Mission) record(ctx context.Context, changed []monitor.Incident, verdicts map[string]string, entries []ledger.Entry, events []engine.Event, derived []engine.Derived) (*int64, error) {
	if len(verdicts) > 0 {
		at := map[string]int{}
		for i := range changed {
			at[changed[i].ID] = i
		}
		for _, id := range sortedKeys(verdicts) {
			if i, ok := at[id]; ok {
				changed[i].State = verdicts[id]
				continue
			}
			in, err := m.cfg.Incidents.Incident(ctx, id)
			if err != nil {
				return nil, err
			}
			in.State = verdicts[id]
			changed = append(changed, *in)
		}
	}
	if err := m.cfg.Incidents.PutIncidents(ctx, changed); err != nil {
		return nil, err
	}
	if m.cfg.Ledger == nil {
		return nil, nil
	}
	for i := range changed {
		entries = append(entries, derivedEntry(accord.EntryIncident, &changed[i]))
	}
	for i := range events {
		entries = append(entries, derivedEntry(accord.EntryEvent, &events[i]))
	}
	for i := range derived {
		entries = append(entries, derivedEntry(accord.EntryAgreement, &derived[i]))
	}
	if len(entries) == 0 {
		return nil, nil
	}
	seqs, err := m.cfg.Ledger.AppendAll(entries)
	if err != nil {
		return nil, err
	}
	last := seqs[len(seqs)-1]
	if m.cfg.Publisher != nil {
		m.cfg.Publisher.Publish(last)
	}
	return &last, nil
}

func derivedEntry(typ string, v any) ledger.Entry {
	b, _ := json.Marshal(v)
	return ledger.Entry{Kind: ledger.KindDerived, Type: typ, Body: b}
}
