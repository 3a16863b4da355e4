package mission

import (
	"context"
	"encoding/json"
	"maps"

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
	// closed, marked by a ceiling — as they now stand: all of them from
	// Ingest; an answer over HTTP may list only the first ones.
	Incidents []monitor.Incident `json:"incidents"`
	// IncidentsTotal is how many incidents the batch changed, and
	// IncidentsTruncated tells that Incidents lists only the first of them
	// (the HTTP answer is bounded; GET /v1/incidents has every incident).
	IncidentsTotal     int  `json:"incidents_total"`
	IncidentsTruncated bool `json:"incidents_truncated,omitempty"`
	// IncidentsDeferred says that the batch was answered once it was
	// durable, before fusion (a stream deployment: package stream): no
	// incident is listed or counted here, which does not mean that none
	// changed; GET /v1/incidents and the feed have them once recorded.
	IncidentsDeferred bool `json:"incidents_deferred,omitempty"`
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
	var clock stageClock
	clock.asked()
	m.storeMu.Lock()
	clock.took()
	st, err := m.storeUnsynced(ctx, batch, sub)
	if err != nil {
		m.storeMu.Unlock()
		return res, err
	}
	// Stored: from here on the batch goes through whatever the caller's
	// context does.
	ctx = context.WithoutCancel(ctx)
	res.Added, res.Duplicates = st.Added, st.Duplicates
	clock.asked()
	m.pipeMu.Lock()
	clock.took()
	m.storeMu.Unlock()
	res.Incidents = m.pipeline.Observe(st.Fresh)
	res.IncidentsTotal = len(res.Incidents)
	clock.asked()
	m.engineMu.Lock()
	clock.took()
	m.pipeMu.Unlock()
	rec, err := m.decide(res.Incidents)
	if st.durable != nil {
		rec.durable = append(rec.durable, st.durable)
	}
	if err == nil {
		err = m.sealUnsynced(ctx, &rec)
	}
	clock.asked()
	m.recordMu.Lock()
	clock.took()
	m.engineMu.Unlock()
	if err != nil {
		m.recordMu.Unlock()
		return res, err
	}
	durable, err := m.recordLater(ctx, []pending{rec})
	if err != nil {
		m.recordMu.Unlock()
		return res, err
	}
	clock.recorded()
	m.recordMu.Unlock()
	// The ledger's commit outside the record stage: the next batch's
	// entries are queued meanwhile.
	seqs, err := durable()
	res.LastEntry = lastOf(seqs)
	if err == nil {
		clock.done(&m.stages)
	}
	return res, err
}

// Stored is what the store stage did with a batch: how many observations
// it added and how many it already held, and the new ones, in the batch's
// order (they point into the batch).
type Stored struct {
	Added, Duplicates int
	Fresh             []*monitor.Observation
	// durable, when not nil, waits until the batch is on disk
	// (storeUnsynced).
	durable func() error
}

// storeUnsynced is store with a store that can put a batch without
// waiting for the disk (accord.UnsyncedObservationStore) and a batch
// without submission: the batch is on disk once Stored.durable returned,
// which the record stage waits for before it appends to the ledger —
// one flush for the batch and its seals, shared with the writes made
// before it began, and none while the store stage holds the store. A
// signed batch is stored durably: its submission is appended to the
// ledger at once.
func (m *Mission) storeUnsynced(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (Stored, error) {
	u, ok := m.cfg.Observations.(accord.UnsyncedObservationStore)
	if !ok || sub != nil {
		return m.store(ctx, batch, sub, m.cfg.Observations.Put)
	}
	res, durable, err := u.PutUnsynced(ctx, batch)
	if err != nil {
		return Stored{}, err
	}
	return Stored{Added: res.Added, Duplicates: res.Duplicates, Fresh: fresh(batch, res.New, res.Added), durable: durable}, nil
}

// store is the first stage: with a submission, the ledger's check (a
// refusal is recorded and nothing stored), then the observation store's
// put (its Put, or an ingest node's PutPending: StorePending) and the
// submission appended. The caller holds storeMu.
func (m *Mission) store(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission, put func(context.Context, []monitor.Observation) (accord.PutResult, error)) (Stored, error) {
	if sub != nil && m.cfg.Ledger == nil {
		return Stored{}, accord.Errorf(accord.EINVALID, "this mission keeps no record: it cannot take signed batches")
	}
	// A submission the ledger would refuse (a replay, a bad signature, too
	// large to store) is refused before anything of the batch is stored.
	if sub != nil && m.cfg.Ledger.Check(sub) != nil {
		_, err := m.cfg.Ledger.Submit(*sub) // records the refusal
		return Stored{}, err
	}
	res, err := put(ctx, batch)
	if err == nil && sub != nil {
		_, err = m.cfg.Ledger.Submit(*sub)
	}
	if err != nil {
		return Stored{}, err
	}
	return Stored{Added: res.Added, Duplicates: res.Duplicates, Fresh: fresh(batch, res.New, res.Added)}, nil
}

// fresh is the observations of batch that the store added (new[i]: the
// i-th), in the batch's order; they point into the batch.
func fresh(batch []monitor.Observation, new []bool, added int) []*monitor.Observation {
	out := make([]*monitor.Observation, 0, added)
	for i := range batch {
		if new[i] {
			out = append(out, &batch[i])
		}
	}
	return out
}

// decide is the engine stage: the consultations' verdicts applied to the
// changed incidents, the agreement engine fed them, and the record
// prepared. The caller holds engineMu.
func (m *Mission) decide(changed []monitor.Incident) (pending, error) {
	m.applyVerdicts(changed)
	var events []engine.Event
	var derived []engine.Derived
	var verdicts map[string]string
	if m.consequences != nil {
		events, derived, verdicts = m.consequences.Observe(changed, m.windows)
	}
	return m.prepare(changed, verdicts, "", nil, events, derived)
}

// pending is what one step hands to the record stage: the incidents it
// changed, the incidents a new verdict changes besides (read from the
// incident store there), and the ledger entries.
type pending struct {
	changed   []monitor.Incident
	restate   map[string]string // incident id → verdict, for incidents not in changed
	head      []ledger.Entry    // the caller's entries, then the changed incidents
	tail      []ledger.Entry    // the engine's events and what it derived
	sealed    []accord.Sealed   // the content of the sealed entries among them, not yet stored
	hasLedger bool
	// durable are the waits for what the step stored without waiting
	// for the disk (its batch, its sealed content): the ledger is
	// appended to once they returned.
	durable []func() error
}

// sealUnsynced puts the content a step seals in the sealed store without
// waiting for the disk when the store can (accord.UnsyncedSealedStore):
// the record stage waits for it (p.durable) before the ledger holds the
// seals, with the flush of the step's batch. The caller holds engineMu.
func (m *Mission) sealUnsynced(ctx context.Context, p *pending) error {
	u, ok := m.cfg.Sealed.(accord.UnsyncedSealedStore)
	if !ok || len(p.sealed) == 0 {
		return nil
	}
	durable, err := u.PutSealedUnsynced(ctx, p.sealed)
	if err != nil {
		return err
	}
	p.sealed, p.durable = nil, append(p.durable, durable)
	return nil
}

// prepare keeps new verdicts for the versions the pipeline hands out from
// now on, applies them to the changed incidents, and encodes the ledger
// entries, out of the record stage's way, sealing those the record
// restricts (sealed.go); the caller's entries concern the consultation
// named, if one. The caller holds engineMu.
func (m *Mission) prepare(changed []monitor.Incident, verdicts map[string]string, consultation string, entries []ledger.Entry, events []engine.Event, derived []engine.Derived) (p pending, err error) {
	p = pending{changed: changed, hasLedger: m.cfg.Ledger != nil}
	if len(verdicts) > 0 {
		maps.Copy(m.verdicts, verdicts)
		m.applyVerdicts(changed)
		p.restate = maps.Clone(verdicts)
		for i := range changed {
			delete(p.restate, changed[i].ID)
		}
	}
	if !p.hasLedger {
		return p, nil
	}
	var s sealer
	p.head = make([]ledger.Entry, 0, len(entries)+len(changed))
	p.tail = make([]ledger.Entry, 0, len(events)+len(derived))
	for _, e := range entries {
		p.head = append(p.head, m.sealIf(&s, e, consultation))
	}
	for i := range changed {
		p.head = append(p.head, incidentEntry(&changed[i]))
	}
	for i := range events {
		c := ""
		if events[i].Type == engine.Response {
			c = events[i].Consultation
		}
		b, err := events[i].AppendJSON(make([]byte, 0, 256)) // json.Marshal's bytes
		p.tail = append(p.tail, m.sealIf(&s, entryOf(accord.EntryEvent, b, err), c))
	}
	for i := range derived {
		b, err := derived[i].AppendJSON(make([]byte, 0, 256))
		p.tail = append(p.tail, m.sealIf(&s, entryOf(accord.EntryAgreement, b, err), derived[i].Consultation))
	}
	p.sealed = s.sealed
	return p, s.err
}

// record hands the changed incidents, with those a verdict changes
// besides, to the incident store's writer and appends the entries to the
// ledger in one durable batch, then tells the publisher. It returns the
// entries' indexes (none without a ledger or entries). The caller holds
// recordMu.
func (m *Mission) record(ctx context.Context, p pending) ([]int64, error) {
	return m.recordAll(ctx, []pending{p})
}

// recordAll is record for several steps in their order, the ledger
// appended to once (one durable batch) with every step's entries in the
// order separate records would have given them.
func (m *Mission) recordAll(ctx context.Context, ps []pending) ([]int64, error) {
	durable, err := m.recordLater(ctx, ps)
	if err != nil {
		return nil, err
	}
	return durable()
}

// recordLater is recordAll up to the ledger's queue: it returns once the
// entries are queued in the ledger, with the wait that returns their
// indexes once they are durable, and then tells the publisher. The
// caller holds recordMu until it has the wait, not while it waits: the
// next step's record is queued meanwhile, and shares the ledger's commit
// or follows it.
func (m *Mission) recordLater(ctx context.Context, ps []pending) (func() ([]int64, error), error) {
	none := func() ([]int64, error) { return nil, nil }
	n := 0
	for _, p := range ps {
		n += len(p.head) + len(p.restate) + len(p.tail)
	}
	// What the steps stored without waiting for the disk is on it before
	// anything that depends on it is recorded.
	for _, p := range ps {
		for _, durable := range p.durable {
			if durable == nil {
				continue
			}
			if err := durable(); err != nil {
				return nil, err
			}
		}
	}
	entries := make([]ledger.Entry, 0, n)
	var sealed []accord.Sealed
	hasLedger := false
	for _, p := range ps {
		entries = append(entries, p.head...)
		if len(p.restate) > 0 {
			if err := m.incidents.sync(); err != nil {
				return nil, err
			}
		}
		for _, id := range sortedKeys(p.restate) {
			in, err := m.cfg.Incidents.Incident(ctx, id)
			if err != nil {
				return nil, err
			}
			in.State = p.restate[id]
			p.changed = append(p.changed, *in)
			if p.hasLedger {
				entries = append(entries, incidentEntry(in))
			}
		}
		entries = append(entries, p.tail...)
		sealed = append(sealed, p.sealed...)
		hasLedger = hasLedger || p.hasLedger
		if len(p.changed) > 0 {
			m.incidents.add(versions{ins: p.changed})
		}
	}
	if !hasLedger || len(entries) == 0 {
		return none, nil
	}
	// The sealed content is durable before the record holds its seals.
	if len(sealed) > 0 {
		if err := m.cfg.Sealed.PutSealed(ctx, sealed); err != nil {
			return nil, err
		}
	}
	durable, err := m.cfg.Ledger.AppendAllLater(entries)
	if err != nil {
		return nil, err
	}
	return func() ([]int64, error) {
		seqs, err := durable()
		if err != nil {
			return nil, err
		}
		if m.cfg.Publisher != nil {
			m.cfg.Publisher.Publish(seqs[len(seqs)-1])
		}
		return seqs, nil
	}, nil
}

// lastOf is the last index of seqs, nil when there is none.
func lastOf(seqs []int64) *int64 {
	if len(seqs) == 0 {
		return nil
	}
	return &seqs[len(seqs)-1]
}

// incidentEntry records an incident version: its record (without the
// growing list of observations: accord.IncidentRecord), so that an entry's
// size does not grow with the incident's age.
func incidentEntry(in *monitor.Incident) ledger.Entry {
	r := accord.RecordOf(in)
	b, err := r.AppendJSON(make([]byte, 0, 768)) // json.Marshal's bytes
	return entryOf(accord.EntryIncident, b, err)
}

// entryOf is the derived entry of an encoded body: none when the encoding
// (json.Marshal's, or an AppendJSON method's) failed.
func entryOf(typ string, body []byte, err error) ledger.Entry {
	if err != nil {
		body = nil
	}
	return ledger.Entry{Kind: ledger.KindDerived, Type: typ, Body: body}
}

// derivedEntry is the derived entry of a value, encoded by json.Marshal.
func derivedEntry(typ string, v any) ledger.Entry {
	b, err := json.Marshal(v)
	return entryOf(typ, b, err)
}
