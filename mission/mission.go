package mission

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// Ledger is the signed record the mission appends to.
type Ledger interface {
	// Seen reports whether the record holds a submission (author, id).
	Seen(author, id string) bool
	// Submit appends a signed submission, or records its refusal and
	// returns an EINVALID error.
	Submit(s ledger.Submission) (int64, error)
	// Check verifies a submission's signature and that it is not a replay,
	// without appending it.
	Check(s *ledger.Submission) error
	// AppendAll appends entries in one durable batch and returns their
	// indexes.
	AppendAll(es []ledger.Entry) ([]int64, error)
	// AppendAllLater is AppendAll returning once the entries are queued,
	// with the wait for their indexes once durable; the entries of calls
	// made one after the other are written in that order.
	AppendAllLater(es []ledger.Entry) (func() ([]int64, error), error)
	// Len is the number of entries; Record returns one.
	Len() int64
	Record(i int64) ([]byte, error)
	// Tree is the tree of the first n entries.
	Tree(n int64) (tlog.Tree, error)
}

// Publisher is told when entries up to an index exist (the live feed).
type Publisher interface{ Publish(last int64) }

var (
	_ Ledger    = (*ledger.Ledger)(nil)
	_ Publisher = PublisherFunc(nil)
)

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(last int64)

// Publish implements Publisher.
func (f PublisherFunc) Publish(last int64) { f(last) }

// Config is what a mission runs on. Agreement, Observations and Incidents
// are required; without Ledger the mission keeps no record (the batch
// commands) but runs the agreement engine all the same, so that its clock
// decides the same things in both.
type Config struct {
	// Agreement is the main agreement; Others run beside it on the same
	// record (functional agreements: a grain corridor, an exchange of
	// prisoners, a nuclear plant's safety), each with its own parties,
	// provisions, consultation and enforcement (engine.Set). One pipeline
	// judges every observation against the monitoring sections of all of
	// them merged (agreement.Merge); a violation goes to the agreement
	// holding its rule.
	Agreement *agreement.Agreement
	Others    []*agreement.Agreement
	// Kernel is the kernel of the monitoring geometry (monitor.NewKernel):
	// the main agreement's, or, with Others, of the merged sections
	// (Monitoring). Nil: Open builds it.
	Kernel       *geo.Kernel
	Observations monitor.ObservationStore
	Incidents    monitor.IncidentStore
	Ledger       Ledger
	// Sealed keeps the content of the record's sealed entries (sealed.go);
	// required with a ledger and an agreement engine.
	Sealed    accord.SealedStore
	Publisher Publisher
	Fusion    fusion.Config
	// StreamFed says that the observations are fused elsewhere, by sector
	// workers reading a stream (package stream), and reach this mission
	// as incident versions (Decide): Open then restores the agreement
	// engine from the ledger but does not replay the stored observations
	// through the pipeline; the caller restores the incidents from the
	// fused log (Restore).
	StreamFed bool
}

// Mission runs the flow. Its methods are safe for concurrent use: a batch
// goes through four stages (the observation store; the pipeline; the
// agreement engine with the consultations' verdicts; the record: the
// incident store and the ledger), each taken by one batch at a time and
// handed over in order, so one batch's store transaction overlaps the
// fusion of the one before it, and so on, and every stage sees the batches
// in one order. Responses and findings enter at the engine stage.
type Mission struct {
	cfg          Config
	pipeline     *monitor.Pipeline
	consequences *Consequences // nil without an engine
	// verdicts are the states the consultations gave incidents (id →
	// state), applied to every version the pipeline hands out.
	verdicts map[string]string
	restored int
	caughtUp int // incident versions Open recorded that the record lacked
	// windows says when the rules tied to the agreement's clock are in
	// force (by rule name); nil when none is.
	windows map[string]agreement.InForce
	// monitoring is the monitoring section the pipeline runs: the main
	// agreement's, or every agreement's merged.
	monitoring *agreement.Monitoring
	kernel     *geo.Kernel
	incidents  *writer

	// The stages, taken in this order: the observation store; the
	// pipeline; the agreement engine with the verdicts; the record (the
	// incident store and the ledger).
	storeMu, pipeMu, engineMu, recordMu sync.Mutex
	stages                              atomic.Pointer[func(StageTimes)] // WatchStages
}

// ErrStoreNotTheLedgers says that the ledger records incidents whose
// observations the store does not hold: the store is not the one the
// ledger was recorded with (EINVALID: the deployment's configuration).
var ErrStoreNotTheLedgers = &accord.Error{Code: accord.EINVALID, Message: "the observation store is not the ledger's"}

// Open starts a mission and restores it from its stores: the agreement
// engine from the events recorded in the ledger, then the pipeline from
// every stored observation, in the order stored (the incidents come out as
// they did the first time, with the consultations' verdicts). Nothing is
// appended to the ledger. A ledger that records incidents and a store that
// holds no observation is ErrStoreNotTheLedgers.
func Open(ctx context.Context, cfg Config) (*Mission, error) {
	if cfg.Agreement == nil || cfg.Agreement.Monitoring == nil || cfg.Observations == nil || cfg.Incidents == nil {
		return nil, accord.Errorf(accord.EINVALID, "mission: an agreement with a monitoring section, an observation store and an incident store are required")
	}
	all := append([]*agreement.Agreement{cfg.Agreement}, cfg.Others...)
	mon, owner, err := Monitoring(all)
	if err != nil {
		return nil, err
	}
	k := cfg.Kernel
	if k != nil && !sameZones(k.Geometry(), mon.Geometry) {
		return nil, accord.Errorf(accord.EINVALID, "mission: the kernel given is not of the monitoring geometry the mission runs (with agreements beside the main one, their merged geometry: leave Config.Kernel nil, or build it from mission.Monitoring)")
	}
	if k == nil {
		if k, err = monitor.NewKernel(mon); err != nil {
			return nil, err
		}
	}
	m := &Mission{cfg: cfg, pipeline: monitor.NewPipeline(mon, k, cfg.Fusion), verdicts: map[string]string{},
		windows: mon.Windows(), monitoring: mon, kernel: k}
	engined := len(m.windows) > 0
	for _, a := range all {
		engined = engined || a.Consultation != nil || a.Enforcement != nil
	}
	if engined {
		// The agreement engine runs with or without a record (the batch
		// commands keep none): its clock decides when rules are in force.
		if m.consequences, err = NewConsequencesOf(all, owner); err != nil {
			return nil, err
		}
	}
	// What the record holds of each incident: a batch stored and not
	// recorded is recorded below (catchup.go).
	var recorded recordedVersions
	missing := newRecordedMissing()
	if cfg.Ledger != nil && !cfg.StreamFed {
		recorded = recordedVersions{}
	}
	if m.consequences != nil && cfg.Ledger != nil {
		if cfg.Sealed == nil {
			return nil, accord.Errorf(accord.EINVALID, "mission: a record with an agreement engine needs a sealed store (what it restricts is kept there)")
		}
		var each func(*ledger.Entry)
		if recorded != nil {
			each = func(e *ledger.Entry) {
				missing.add(e, recorded)
				recorded.add(e)
			}
		}
		h, err := readHistory(ctx, cfg.Ledger, m.Signed(), cfg.Sealed, each)
		if err != nil {
			return nil, fmt.Errorf("restoring the agreement's state from the ledger: %w", err)
		}
		if m.verdicts, err = m.consequences.Restore(h.Events); err != nil {
			return nil, fmt.Errorf("restoring the agreement's state from the ledger: %w", err)
		}
		for _, sig := range h.Signatures {
			m.consequences.RestoreSignature(sig)
		}
	}
	if cfg.StreamFed {
		m.incidents = newWriter(cfg.Incidents)
		return m, nil
	}
	if recorded != nil && m.consequences == nil {
		if recorded, err = scanRecorded(cfg.Ledger); err != nil {
			return nil, fmt.Errorf("reading the incident versions the ledger holds: %w", err)
		}
	}
	// The missing presence reports the record holds are put back where
	// they were first recorded among the incidents the replay puts: those
	// a tick judged, no stored observation gives again (the replay puts
	// its versions over the others).
	put := func(ins []monitor.Incident) error {
		ins, err := missing.interleave(ins)
		if err != nil {
			return fmt.Errorf("the missing presence reports the ledger holds: %w", err)
		}
		return cfg.Incidents.PutIncidents(ctx, ins)
	}
	first, err := missing.put(nil, "")
	if err == nil {
		err = put(first)
	}
	if err != nil {
		return nil, fmt.Errorf("restoring the incidents from the stored observations: %w", err)
	}
	const chunk = 4096
	var batch []*monitor.Observation
	last := replayed{rec: recorded}
	flush := func() error {
		changed := m.pipeline.Observe(batch)
		var pre []monitor.Incident
		if recorded != nil {
			pre = slices.Clone(changed) // windows and verdicts replace, not change, what they alter
		}
		if m.consequences != nil {
			m.consequences.InForce(changed, m.windows)
		}
		m.applyVerdicts(changed)
		if recorded != nil {
			last.keep(pre, changed)
		}
		batch = batch[:0]
		return put(changed)
	}
	err = cfg.Observations.All(ctx, func(o *monitor.Observation) error {
		m.restored++
		batch = append(batch, o)
		if len(batch) == chunk {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err == nil && len(recorded) > 0 && m.restored == 0 {
		// Recorded, and not stored: served so, the incidents would be
		// gone and the next ones would take the ids the record gave
		// them. Refused before anything is written.
		return nil, fmt.Errorf("%w: the ledger records %d incident(s) and the store holds no observation (another database, one restored from an older backup, or emptied)", ErrStoreNotTheLedgers, len(recorded))
	}
	if err == nil {
		var rest []monitor.Incident
		if rest, err = missing.rest(); err == nil {
			err = put(rest)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("restoring the incidents from the stored observations: %w", err)
	}
	// A period a tick judged missing is not judged again at the next
	// observation: its time is in the record, not in the observations.
	for id := range recorded {
		m.pipeline.RestorePresence(id)
	}
	m.incidents = newWriter(cfg.Incidents)
	if recorded != nil {
		if m.caughtUp, err = m.catchUp(ctx, &last); err != nil {
			m.incidents.close()
			return nil, err
		}
	}
	return m, nil
}

// Close writes the incident versions still queued and stops the mission's
// writer; the stores stay open (their owner closes them).
func (m *Mission) Close() error { return m.incidents.close() }

// Restored is the number of stored observations Open replayed.
func (m *Mission) Restored() int { return m.restored }

// CaughtUp is the number of incident versions Open recorded because the
// record lacked them: the mission had stopped after a batch was stored,
// before it was recorded (catchup.go).
func (m *Mission) CaughtUp() int { return m.caughtUp }

// Agreement is the main agreement the mission monitors.
func (m *Mission) Agreement() *agreement.Agreement { return m.cfg.Agreement }

// Agreements are every agreement the mission runs, the main one first.
func (m *Mission) Agreements() []*agreement.Agreement {
	return append([]*agreement.Agreement{m.cfg.Agreement}, m.cfg.Others...)
}

// Monitoring is the monitoring section the pipeline runs: the main
// agreement's, or, with agreements beside it, every one's merged.
func (m *Mission) Monitoring() *agreement.Monitoring { return m.monitoring }

// Kernel is the geodesic kernel of the monitoring geometry.
func (m *Mission) Kernel() *geo.Kernel { return m.kernel }

// Monitoring merges the monitoring sections of a mission's agreements (the
// main one first) and returns the agreement holding each rule; one
// agreement's section is its own.
func Monitoring(as []*agreement.Agreement) (*agreement.Monitoring, func(rule string) string, error) {
	if len(as) == 1 {
		return as[0].Monitoring, func(string) string { return as[0].ID }, nil
	}
	return agreement.Merge(as)
}

// KeepsRecord reports whether the mission appends to a ledger.
func (m *Mission) KeepsRecord() bool { return m.cfg.Ledger != nil }

// Signed reports whether the agreement registers its authors' keys: then
// every observation batch, response and finding must be signed by its
// author (History).
func (m *Mission) Signed() bool {
	for _, a := range m.Agreements() {
		if len(a.Keys) > 0 {
			return true
		}
	}
	return false
}

// HasEngine reports whether the mission runs the agreement engine
// (consultations and enforcement).
func (m *Mission) HasEngine() bool { return m.consequences != nil }

// applyVerdicts gives incidents the states the consultations gave them.
// The caller holds engineMu (or is Open).
func (m *Mission) applyVerdicts(ins []monitor.Incident) {
	if len(m.verdicts) == 0 {
		return
	}
	for i := range ins {
		if st, ok := m.verdicts[ins[i].ID]; ok {
			ins[i].State = st
		}
	}
}

// sameZones reports whether two geometries hold the same zones in the same
// order (the pipeline indexes zones by their place in the kernel's).
func sameZones(a, b *geo.Geometry) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || len(a.Zones) != len(b.Zones) || len(a.Parts) != len(b.Parts) {
		return false
	}
	for i := range a.Zones {
		if a.Zones[i].ID != b.Zones[i].ID {
			return false
		}
	}
	return true
}
