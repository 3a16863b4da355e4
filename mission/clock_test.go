package mission_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// provisionStatus is a provision's status in the main agreement's state.
func provisionStatus(tb testing.TB, st *engine.State, id string) string {
	tb.Helper()
	for _, p := range st.Provisions {
		if p.ID == id {
			return p.Status
		}
	}
	tb.Fatalf("no provision %s in the state", id)
	return ""
}

// The observations stop before a provision's deadline: nothing moves the
// agreement's clock until a tick does (Mission.Tick), which records the
// tick and the provision overdue; a tick to the clock or before it
// changes nothing and records nothing; the record replays (accord verify,
// a witness) and a restart restores to the same state.
func TestTickWithoutDataRecordsTheDeadlinePassed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openDurable(t, dir)
	// One report at t0: the parties sign, the ceasefire is due a day on.
	if _, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 5, t0)}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	var due time.Time
	for _, p := range st.Provisions {
		if p.ID == "ceasefire" && p.Due != nil {
			due = *p.Due
		}
	}
	if due.IsZero() || provisionStatus(t, st, "ceasefire") != engine.Pending {
		t.Fatalf("after the first batch: ceasefire %s due %v, want pending with a deadline", provisionStatus(t, st, "ceasefire"), due)
	}
	at := due.Add(24 * time.Hour)
	res, err := m.Tick(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Ticked || !res.Now.Equal(at) || res.LastEntry == nil || !slices.ContainsFunc(res.Derived, func(d engine.Derived) bool {
		return strings.HasPrefix(d.What, "provision ceasefire overdue")
	}) {
		t.Fatalf("tick to %v: %+v, want ticked, the ceasefire overdue, recorded", at, res)
	}
	st, _ = m.State()
	if provisionStatus(t, st, "ceasefire") != engine.Overdue || !st.Now.Equal(at) {
		t.Fatalf("after the tick: ceasefire %s, clock %v; want overdue at %v", provisionStatus(t, st, "ceasefire"), st.Now, at)
	}
	evs := entries[engine.Event](t, m.ledger, accord.EntryEvent)
	if last := evs[len(evs)-1]; last.Type != engine.Tick || !last.At.Equal(at) {
		t.Errorf("the record's last engine event %+v, want the tick at %v", last, at)
	}
	if !slices.ContainsFunc(entries[engine.Derived](t, m.ledger, accord.EntryAgreement), func(d engine.Derived) bool {
		return strings.HasPrefix(d.What, "provision ceasefire overdue")
	}) {
		t.Error("the record holds no entry of the ceasefire overdue")
	}

	// A tick to the clock, or before it, changes nothing.
	n := m.ledger.Len()
	for _, back := range []time.Time{at, t0, at.Add(-time.Nanosecond)} {
		res, err := m.Tick(ctx, back)
		if err != nil || res.Ticked || !res.Now.Equal(at) || len(res.Derived) != 0 || res.LastEntry != nil {
			t.Errorf("tick to %v, the clock at %v: %+v %v; want nothing done", back, at, res, err)
		}
	}
	if m.ledger.Len() != n {
		t.Errorf("ticks to the past recorded %d entries", m.ledger.Len()-n)
	}
	if st2, _ := m.State(); st2.Hash() != st.Hash() {
		t.Error("a tick to the past changed the state")
	}

	// The record replays to the same state, as accord verify and a
	// witness replay it.
	data, err := os.ReadFile(filepath.Join(dir, "ledger"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := mustReference(t)
	sts, err := mission.Replay(data, m.ledger.Len(), []*agreement.Agreement{a}, mission.NewHistory(false))
	if err != nil {
		t.Fatal(err)
	}
	if sts[0].Hash() != st.Hash() {
		t.Errorf("the replay of the record: ceasefire %s at %v, another state", provisionStatus(t, sts[0], "ceasefire"), sts[0].Now)
	}
	m.close()
	m = openDurable(t, dir)
	if st2, _ := m.State(); st2.Hash() != st.Hash() {
		t.Errorf("after a restart: ceasefire %s at %v, another state", provisionStatus(t, st2, "ceasefire"), st2.Now)
	}
}

// A tick is refused, and changes nothing, before the parties have signed
// (no clock yet) and on a mission without an agreement engine.
func TestTickRefusals(t *testing.T) {
	ctx := context.Background()
	m := openDurable(t, t.TempDir())
	_, err := m.Tick(ctx, t0)
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "not in force") {
		t.Errorf("a tick before the signatures: %v, want EINVALID, not in force", err)
	}
	if _, err := m.Tick(ctx, time.Time{}); accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("a tick to no time: %v, want EINVALID", err)
	}
	if m.ledger.Len() != 0 {
		t.Errorf("refused ticks recorded %d entries", m.ledger.Len())
	}
	a, k := mustReference(t)
	bare := *a
	bare.Consultation, bare.Enforcement = nil, nil
	none, err := mission.Open(ctx, mission.Config{Agreement: &bare, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		t.Fatal(err)
	}
	if none.HasEngine() {
		t.Skip("the reference agreement without consultation and enforcement still runs the engine (rules tied to its clock)")
	}
	if _, err := none.Tick(ctx, t0); accord.ErrorCode(err) != accord.ENOTFOUND {
		t.Errorf("a tick without an engine: %v, want ENOTFOUND", err)
	}
}

// TickIfDue ticks only when the tick derives something: before the
// parties sign and before the first deadline it records nothing; past the
// ceasefire's deadline it records the tick and the provision overdue.
func TestTickIfDue(t *testing.T) {
	ctx := context.Background()
	m := openDurable(t, t.TempDir())
	if res, err := m.TickIfDue(ctx, t0); err != nil || res.Ticked {
		t.Fatalf("before the signatures: %+v %v, want nothing done and no error", res, err)
	}
	if _, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 5, t0)}, nil); err != nil {
		t.Fatal(err)
	}
	n := m.ledger.Len()
	st, _ := m.State()
	if res, err := m.TickIfDue(ctx, t0.Add(12*time.Hour)); err != nil || res.Ticked || !res.Now.Equal(st.Now) {
		t.Fatalf("before any deadline: %+v %v, want nothing done, the clock at %v", res, err, st.Now)
	}
	if m.ledger.Len() != n {
		t.Fatalf("a tick that derives nothing recorded %d entries", m.ledger.Len()-n)
	}
	res, err := m.TickIfDue(ctx, t0.Add(48*time.Hour))
	if err != nil || !res.Ticked || res.LastEntry == nil || len(res.Derived) == 0 || !strings.HasPrefix(res.Derived[0].What, "provision ceasefire overdue") {
		t.Fatalf("past the ceasefire's deadline: %+v %v, want the ceasefire overdue, recorded", res, err)
	}
}

// Ticks carry a consultation and enforcement through with no data: a
// notice unanswered is upheld by default and notifies snapback, a
// the snapback takes effect at its day, a disputed notice closes
// unresolved and its incident is confirmed again (a new version
// recorded); the
// record replays and a restart restores the same state and incident.
func TestTicksCarryConsultationsAndSnapback(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openDurable(t, dir)
	res, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 11, t0), tanks(t, "sat-osce", "osce", 11, t0.Add(time.Hour))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc := res.Incidents[0].ID
	if _, err := m.Respond(ctx, inc+":"+ceilingRule, "ru", "dispute", "our count: 9 tanks", true); err != nil {
		t.Fatal(err)
	}
	says := func(res mission.ClockResult, prefix string) bool {
		return slices.ContainsFunc(res.Derived, func(d engine.Derived) bool { return strings.HasPrefix(d.What, prefix) })
	}
	r, err := m.Tick(ctx, t0.Add(4*24*time.Hour))
	if err != nil || !says(r, "ru did not answer the notice on violation "+inc+":band:") || !says(r, "snapback notified") {
		t.Fatalf("four days on: %+v %v; want the band's notice upheld by default, snapback notified", r, err)
	}
	st, _ := m.State()
	if st.Snapback == nil || st.Snapback.Effective {
		t.Fatalf("four days on: snapback %+v, want notified, not in effect", st.Snapback)
	}
	effective := st.Snapback.EffectiveAt
	if r, err = m.Tick(ctx, effective); err != nil || !says(r, "snapback: relief re-imposed") {
		t.Fatalf("at the snapback's day: %+v %v; want relief re-imposed", r, err)
	}
	if st, _ = m.State(); !st.Snapback.InForce() {
		t.Fatalf("at %v: snapback %+v, want in force", effective, st.Snapback)
	}
	// The joint commission, the ministers and the advisory board: 35 days.
	if r, err = m.Tick(ctx, t0.Add(40*24*time.Hour)); err != nil || !r.Ticked {
		t.Fatalf("forty days on: %+v %v", r, err)
	}
	st, _ = m.State()
	c, _, _ := m.Consultation(inc + ":" + ceilingRule)
	if c.Stage != engine.StageClosed || c.Outcome != engine.Unresolved {
		t.Fatalf("forty days on: the disputed consultation %s %s; want closed unresolved", c.Stage, c.Outcome)
	}
	in, _, err := m.Incident(ctx, inc)
	if err != nil || in.State != fusion.Confirmed {
		t.Fatalf("incident %s after its consultation closed unresolved: %v %v, want confirmed", inc, in, err)
	}
	recs := lastRecorded(t, m.ledger)
	if recs[inc].State != fusion.Confirmed {
		t.Errorf("the record's last version of %s: %s, want confirmed", inc, recs[inc].State)
	}
	data, err := os.ReadFile(filepath.Join(dir, "ledger"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := mustReference(t)
	h := mission.NewHistory(false)
	h.Open = func(seal accord.Seal) (*accord.Sealed, error) { // as a guarantor's witness opens them
		x, _, err := m.Sealed(ctx, seal.SHA256)
		return x, err
	}
	sts, err := mission.Replay(data, m.ledger.Len(), []*agreement.Agreement{a}, h)
	if err != nil || h.Partial() || sts[0].Hash() != st.Hash() {
		t.Errorf("the replay of the record: %v (partial %v), another state", err, h.Partial())
	}
	m.close()
	m = openDurable(t, dir)
	if st2, _ := m.State(); st2.Hash() != st.Hash() {
		t.Error("after a restart: another state")
	}
	if in, _, _ := m.Incident(ctx, inc); in == nil || in.State != fusion.Confirmed {
		t.Errorf("after a restart: incident %v, want confirmed", in)
	}
}

// A mission fed by a stream refuses Tick (its clock moves at the
// recorder, in the fused log's order) and ticks where its recorder
// decides a tick among the batches (DecideAll): the same record, entry
// for entry, and the same state as the embedded default's Tick and
// TickIfDue after the same batch — a tick to the clock again records
// nothing, a tick if due that derives nothing records nothing — and
// before the signatures a tick step records nothing and says why.
func TestDecideAllTicksAsTick(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	emb := openDurable(t, t.TempDir())
	d, err := local.Open(ctx, local.Config{Dir: t.TempDir(), Agreement: a, Kernel: k, StreamFed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	fed := &durable{Deployment: d, ledger: d.Ledger}

	steps := []mission.Step{{Tick: t0}}
	if _, err := fed.Mission.DecideAll(ctx, steps, nil); err != nil || accord.ErrorCode(steps[0].Refused) != accord.EINVALID || fed.ledger.Len() != 0 {
		t.Fatalf("a tick step before the signatures: %v, refused %v, %d entries; want refused EINVALID, nothing recorded", err, steps[0].Refused, fed.ledger.Len())
	}
	res, err := emb.Mission.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 5, t0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fed.Mission.Decide(ctx, res.Incidents, nil); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(3 * 24 * time.Hour)
	if _, err := fed.Mission.Tick(ctx, at); accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "stream") {
		t.Fatalf("Tick on a mission fed by a stream: %v, want EINVALID naming the stream", err)
	}
	notDue := at.Add(time.Minute) // nothing more falls due a minute on
	for _, tk := range []struct {
		at    time.Time
		ifDue bool
	}{{at, false}, {at, false}, {notDue, true}} {
		if tk.ifDue {
			_, err = emb.Mission.TickIfDue(ctx, tk.at)
		} else {
			_, err = emb.Mission.Tick(ctx, tk.at)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	steps = []mission.Step{{Tick: at}, {Tick: at}, {Tick: notDue, IfDue: true}}
	if _, err := fed.Mission.DecideAll(ctx, steps, nil); err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		if s.Refused != nil {
			t.Errorf("step %d refused: %v", i, s.Refused)
		}
	}
	if emb.ledger.Len() != fed.ledger.Len() {
		t.Fatalf("ledger lengths: embedded %d, fed by a stream %d", emb.ledger.Len(), fed.ledger.Len())
	}
	for i := int64(0); i < emb.ledger.Len(); i++ {
		if x, y := comparable(t, emb, i), comparable(t, fed, i); x.String() != y.String() {
			t.Fatalf("entry %d differs:\nembedded %s\nstream   %s", i, x, y)
		}
	}
	s1, _ := emb.Mission.State()
	s2, _ := fed.Mission.State()
	if s1.Hash() != s2.Hash() || provisionStatus(t, s2, "ceasefire") != engine.Overdue || !s2.Now.Equal(at) {
		t.Fatalf("state: embedded %s, stream %s (ceasefire %s at %v); want the same, overdue at %v", s1.Hash(), s2.Hash(), provisionStatus(t, s2, "ceasefire"), s2.Now, at)
	}
}
