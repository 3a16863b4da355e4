package mission

import (
	"context"
	"errors"
	"time"

	"github.com/accord-peace/accord"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
	"golang.org/x/mod/sumdb/tlog"
)

// The stages of Ingest, for a deployment that runs them in several
// processes (package stream): the store stage at an ingest node (Store),
// fusion in the sector workers (package sector's, each a pipeline of its
// own over the mission's Monitoring, Kernel and FusionConfig), and
// the engine and record stages at the one recorder (Decide), fed the
// incident versions in the one order of the fused log. Ingest is these
// stages called in one process, in the same order; each stage below takes
// its own lock, so a stage called here and an Ingest never overlap in it.

// Store is the store stage alone: with a submission (its signature
// checked by the caller), the ledger's check — a refused one is recorded
// and nothing stored — then the observations put in the store, kept once
// per key, and the submission appended to the ledger. The fresh
// observations are those the next stage fuses.
func (m *Mission) Store(ctx context.Context, batch []monitor.Observation, sub *ledger.Submission) (Stored, error) {
	m.storeMu.Lock()
	defer m.storeMu.Unlock()
	return m.store(ctx, batch, sub, m.cfg.Observations.Put)
}

// FusionConfig is the fusion configuration the mission's pipeline runs.
func (m *Mission) FusionConfig() fusion.Config { return m.cfg.Fusion }

// Decide is the engine and record stages: the incident versions fusion
// produced (in the order produced) get the consultations' verdicts, feed
// the agreement engine, and are recorded with what the engine decided,
// in one durable batch; it returns the ledger index of the last entry
// written (nil when none). Before the ledger is appended to, mark (when
// not nil) is called, with the ledger's length then: a recorder that must
// know after a crash whether this step reached the ledger notes its
// position there durably (the ledger has the step iff it is longer).
func (m *Mission) Decide(ctx context.Context, changed []monitor.Incident, mark func(ledgerLen int64) error) (*int64, error) {
	return m.DecideSteps(ctx, [][]monitor.Incident{changed}, mark)
}

// DecideSteps is Decide for several steps taken together (a recorder
// that found several fused messages waiting): each step goes through the
// engine stage on its own, in order, exactly as separate Decide calls,
// and the record stage appends all their entries to the ledger in one
// durable batch, in the same order — the same record, one commit.
func (m *Mission) DecideSteps(ctx context.Context, steps [][]monitor.Incident, mark func(ledgerLen int64) error) (*int64, error) {
	all := make([]Step, len(steps))
	for i, changed := range steps {
		all[i].Changed = changed
	}
	return m.DecideAll(ctx, all, mark)
}

// Step is one step of the engine and record stages at a stream
// deployment's recorder: a batch's incident versions (Changed), or a
// tick of the agreement's clock (Tick not zero; IfDue: TickIfDue's),
// published through the stream and decided at its place in the fused
// log's order, with the missing presence reports the sectors' pipelines
// judged at it (Changed: Pipeline.TickPresence).
type Step struct {
	Changed []monitor.Incident
	Tick    time.Time
	IfDue   bool
	// Refused is, after DecideAll, why a tick recorded nothing though
	// asked to (EINVALID before the parties have signed, as Tick
	// refuses it); nil otherwise. The other steps go on.
	Refused error
}

// DecideAll is DecideSteps with ticks among the steps: a tick step is
// what Tick (or TickIfDue) does, at its place among the batches — the
// engine's tick and its record, nothing for a time no later than the
// clock — and a tick the engine refuses (before the parties have
// signed) records nothing and says why in the step's Refused. This is
// how a mission fed by a stream moves its clock without data; its Tick
// is refused (the stream's recorder alone decides in the log's order).
func (m *Mission) DecideAll(ctx context.Context, steps []Step, mark func(ledgerLen int64) error) (*int64, error) {
	m.engineMu.Lock()
	recs := make([]pending, 0, len(steps))
	var err error
	for i := range steps {
		if !steps[i].Tick.IsZero() && m.consequences == nil {
			// Its missing reports, if any, decided as a batch's; the
			// step keeps its time for the refusal's log.
			steps[i].Refused = errNoEngine()
			if len(steps[i].Changed) == 0 {
				continue
			}
		}
		if !steps[i].Tick.IsZero() && steps[i].Refused == nil {
			// The missing presence reports the sectors judged at the
			// tick, then the tick, as Tick decides them.
			_, trecs, terr := m.tickWith(steps[i].Changed, steps[i].Tick, steps[i].IfDue)
			recs = append(recs, trecs...)
			if terr != nil && accord.ErrorCode(terr) == accord.EINVALID {
				steps[i].Refused = terr
				continue
			}
			if err = terr; err != nil {
				break
			}
			continue
		}
		rec, derr := m.decide(steps[i].Changed)
		if err = derr; err != nil {
			break
		}
		recs = append(recs, rec)
	}
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	if err != nil {
		return nil, err
	}
	if mark != nil {
		var n int64
		if m.cfg.Ledger != nil {
			n = m.cfg.Ledger.Len()
		}
		if err := mark(n); err != nil {
			return nil, err
		}
	}
	seqs, err := m.recordAll(ctx, recs)
	return lastOf(seqs), err
}

// Restore takes incident versions already recorded — a recorder reading
// the fused log back to where the ledger stands after a restart — as
// Open takes the stored observations: the verdicts and the rules' windows
// applied, the incident store updated, nothing recorded and the engine
// (restored from the ledger by Open) not fed again.
func (m *Mission) Restore(ctx context.Context, changed []monitor.Incident) error {
	m.engineMu.Lock()
	// As decide: the verdicts first.
	m.applyVerdicts(changed)
	if m.consequences != nil {
		m.consequences.InForce(changed, m.windows)
	}
	m.engineMu.Unlock()
	m.recordMu.Lock()
	defer m.recordMu.Unlock()
	if len(changed) > 0 {
		m.incidents.add(versions{ins: changed})
	}
	return nil
}

// LedgerLen is the number of entries in the mission's record (0 without
// one).
func (m *Mission) LedgerLen() int64 {
	if m.cfg.Ledger == nil {
		return 0
	}
	return m.cfg.Ledger.Len()
}

// LedgerTree is the tree of the record's first n entries: its size and
// hash, as a checkpoint names them (n ≤ LedgerLen).
func (m *Mission) LedgerTree(n int64) (tlog.Tree, error) {
	if m.cfg.Ledger == nil {
		return tlog.Tree{}, errors.New("this mission keeps no record")
	}
	return m.cfg.Ledger.Tree(n)
}
