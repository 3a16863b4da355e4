package mission

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// Consequences runs the agreement engine behind the monitoring pipeline:
// each violation of a confirmed incident becomes a violation entry of the
// engine's log (once per incident and rule), the observations' clock ticks
// it, and whatever the engine derives — notices, missed deadlines, phases,
// relief, snapback — goes into the ledger and onto the feed. The engine's
// inputs are recorded too (derived entries of type "event"), so the
// record replays to the same state.
type Consequences struct {
	mu sync.Mutex
	// set runs every agreement of the mission over the one log: as[0] is
	// the main one (its events carry no agreement), the others run beside
	// it; owner names the agreement that holds a rule.
	set   *engine.Set
	as    []*agreement.Agreement
	owner func(rule string) string
	seq   int
	done  map[string]bool
	// incidentOf names the incident behind each violation; disputed lists
	// the consultations disputed and not yet closed.
	incidentOf map[string]string
	disputed   map[string]bool
	shown      int // derived events of the engine already recorded
	latest     time.Time
	signatures map[string][]FindingSignature // consultation → signatures short of the quorum
}

// NewConsequences starts the engine for an agreement. The parties sign
// (entries of its log) at the time of the first batch; Restore replays a
// recorded log first when the server restarts.
func NewConsequences(a *agreement.Agreement) *Consequences {
	c, err := NewConsequencesOf([]*agreement.Agreement{a}, nil)
	if err != nil {
		panic(err) // one agreement: nothing for a set to refuse
	}
	return c
}

// NewConsequencesOf starts the engines of several agreements over one log
// (engine.Set): the first is the main agreement, whose events carry no
// agreement id; owner names the agreement holding a rule (nil, or "" for a
// rule: the main one). The parties of every agreement sign at the first
// batch, agreement after agreement in the order given.
func NewConsequencesOf(as []*agreement.Agreement, owner func(rule string) string) (*Consequences, error) {
	set, err := engine.NewSet(as...)
	if err != nil {
		return nil, err
	}
	if owner == nil {
		owner = func(string) string { return "" }
	}
	return &Consequences{set: set, as: as, owner: owner, done: map[string]bool{}, incidentOf: map[string]string{}, disputed: map[string]bool{},
		signatures: map[string][]FindingSignature{}}, nil
}

// key is the agreement field of the events for an agreement: "" for the
// main one, so that a mission of one agreement records what it always did.
func (c *Consequences) key(id string) string {
	if id == c.as[0].ID {
		return ""
	}
	return id
}

// agreement returns the agreement with an id ("" the main one), nil if
// none.
func (c *Consequences) agreement(id string) *agreement.Agreement {
	if id == "" {
		return c.as[0]
	}
	for _, a := range c.as {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// consultationAgreement is the agreement a consultation runs under.
func (c *Consequences) consultationAgreement(id string) *agreement.Agreement {
	if ag, _, ok := c.set.Consultation(id); ok {
		return c.agreement(ag)
	}
	return c.as[0]
}

// Restore re-applies the engine events recorded in the ledger, in order,
// and returns what the consultations made of their incidents (incident id
// → state), as Verdicts would have said along the way.
func (c *Consequences) Restore(events []engine.Event) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	verdicts := map[string]string{}
	for _, ev := range events {
		if err := c.set.Apply(ev); err != nil {
			return nil, err
		}
		c.seq = ev.Seq
		if ev.At.After(c.latest) {
			c.latest = ev.At
		}
		c.learn(ev)
		maps.Copy(verdicts, c.verdicts([]engine.Event{ev}))
	}
	c.shown += len(c.set.DerivedSince(c.shown))
	return verdicts, nil
}

func (c *Consequences) apply(ev *engine.Event) error {
	c.seq++
	ev.Seq = c.seq
	if err := c.set.Apply(*ev); err != nil {
		c.seq--
		return err
	}
	c.learn(*ev)
	return nil
}

// learn keeps what later verdicts need of an applied event.
func (c *Consequences) learn(ev engine.Event) {
	if ev.Type == engine.ViolationEv {
		c.done[ev.Incident+"|"+ev.Rule] = true
		c.incidentOf[ev.ID] = ev.Incident
	}
}

// Observe takes the incidents a batch touched and returns the engine
// events it applied and the new derived events, as ledger entries to
// record.
//
// Each new violation of a confirmed incident is applied at its own time,
// in time order (due): the time its incident was confirmed, when that is
// news of this batch — the latest observation time seen when the
// confirming report came, which does not depend on how the reports were
// batched —, else the incident's latest observation (a violation that
// appeared after the confirmation), and the batch's latest observation
// for a ceiling, which incidents break together; never before the
// engine's clock. A rule the agreement ties to its clock (windows, see
// InForce) counts if it was in force when the incident was seen at its
// confirmation, or else at its latest observation, as the engine says once
// its clock has reached that time. The clock then ticks to the batch's
// latest observation, and the violations of rules not in force at an
// incident's latest observation are dropped from the incident (inForce):
// what the incident shows, not what was recorded.
func (c *Consequences) Observe(ins []monitor.Incident, windows map[string]agreement.InForce) ([]engine.Event, []engine.Derived, map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.latest
	for _, in := range ins {
		now = laterOf(now, in.LastObserved)
	}
	dues := c.dues(ins, nil)
	var applied []engine.Event
	if c.seq == 0 {
		var s signing
		if s.add(ins); s.any {
			applied = c.sign(s.at(), applied)
		}
	}
	now = laterOf(now, c.latest) // never before the clock the signatures set
	applied = c.violations(dues, windows, now, applied)
	applied = c.tick(now, applied)
	c.inForce(ins, windows)
	return applied, c.fresh(), c.verdicts(applied)
}

// sign applies the parties' signatures, every agreement's, at a time,
// the engine's clock moved there. The caller holds c.mu.
func (c *Consequences) sign(at time.Time, applied []engine.Event) []engine.Event {
	for _, a := range c.as {
		for _, p := range a.Parties {
			ev := engine.Event{Type: engine.Sign, Agreement: c.key(a.ID), Party: p, At: at}
			if c.apply(&ev) == nil {
				applied = append(applied, ev)
			}
		}
	}
	c.latest = at
	return applied
}

// signing gathers, over the incidents of the first batch,
// when the parties sign, monitoring starting: at the first report fusion
// took, the time the first incident opened (OpenedAt: the same whatever
// the first batch held), or for a first batch without a fusion incident
// (a vessel's track, a missing report) at its earliest observation.
type signing struct {
	any           bool
	opened, first time.Time // the least OpenedAt (not zero), FirstObserved
}

func (s *signing) add(ins []monitor.Incident) {
	for _, in := range ins {
		if !in.OpenedAt.IsZero() && (s.opened.IsZero() || in.OpenedAt.Before(s.opened)) {
			s.opened = in.OpenedAt
		}
		if !s.any || in.FirstObserved.Before(s.first) {
			s.first = in.FirstObserved
		}
		s.any = true
	}
}

func (s *signing) at() time.Time {
	if !s.opened.IsZero() {
		return s.opened
	}
	return s.first
}

// due is a violation a batch brings: in.Violations[v] (in a copy of the
// incident's version, which later stages may change), to apply at a
// time, if its rule was in force at judge (judge ≤ at).
type due struct {
	at, judge time.Time
	in        *monitor.Incident
	v         int
	last      bool // judged at the incident's latest observation: no later chance
	ceiling   bool // applied at the batch's latest observation
}

// dues are the new violations of the confirmed incidents of a step. The
// caller holds c.mu.
func (c *Consequences) dues(ins []monitor.Incident, dues []due) []due {
	for i := range ins {
		if ins[i].State != fusion.Confirmed {
			continue
		}
		var in *monitor.Incident
		for j, v := range ins[i].Violations {
			if v.Party == nil || c.done[ins[i].ID+"|"+v.Rule] {
				continue
			}
			if in == nil {
				cp := ins[i]
				in = &cp
			}
			d := due{in: in, v: j}
			switch {
			case agreement.IsCeilingRule(v.Rule):
				d.judge, d.last, d.ceiling = in.LastObserved, true, true
			case in.ConfirmedAt.After(c.latest):
				d.at, d.judge = in.ConfirmedAt, in.SeenConfirmed
			default:
				d.at, d.judge, d.last = laterOf(in.LastObserved, c.latest), in.LastObserved, true
			}
			dues = append(dues, d)
		}
	}
	return dues
}

// violations applies a batch's new violations, each at its time, in time
// order (then by incident and rule: the batch's order depends on the
// batch), the clock ticked to it first for a rule tied to the clock; a
// ceiling's at the batch's latest observation (now). The caller holds
// c.mu.
func (c *Consequences) violations(dues []due, windows map[string]agreement.InForce, now time.Time, applied []engine.Event) []engine.Event {
	for k := range dues {
		d := &dues[k]
		if d.ceiling {
			d.at = now
		} else if !d.at.After(c.latest) {
			// Dated at or before the clock (the parties' signatures
			// moved it): at the clock, or its latest observation, as a
			// violation known late.
			d.at, d.judge, d.last = laterOf(d.in.LastObserved, c.latest), d.in.LastObserved, true
		}
	}
	order := func(a, b due) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if c := strings.Compare(a.in.ID, b.in.ID); c != 0 {
			return c
		}
		return strings.Compare(a.in.Violations[a.v].Rule, b.in.Violations[b.v].Rule)
	}
	slices.SortStableFunc(dues, order)
	for k := 0; k < len(dues); k++ {
		d := dues[k]
		in := d.in
		v := in.Violations[d.v]
		key := in.ID + "|" + v.Rule
		if c.done[key] {
			continue // the rule twice in one incident
		}
		if w, timed := windows[v.Rule]; timed {
			// Whether the rule was in force is for the engine to say once
			// its clock has reached the time (a phase may open on the
			// way); otherwise the violation entry moves the clock itself.
			applied = c.tick(d.at, applied)
			if !c.engineOf(v.Rule).RuleInForce(w.From, w.Until, d.judge) {
				if !d.last && in.LastObserved.After(d.judge) {
					// Perhaps by its latest observation: judged there, in
					// its place in time.
					later := due{at: laterOf(in.LastObserved, c.latest), judge: in.LastObserved, in: in, v: d.v, last: true}
					at, _ := slices.BinarySearchFunc(dues[k+1:], later, order)
					dues = slices.Insert(dues, k+1+at, later)
				}
				continue
			}
		}
		ev := engine.Event{Type: engine.ViolationEv, Agreement: c.key(c.owner(v.Rule)), At: d.at, ID: fmt.Sprintf("%s:%s", in.ID, v.Rule), Rule: v.Rule, Party: *v.Party, Incident: in.ID}
		if c.apply(&ev) == nil {
			c.done[key] = true
			c.latest = d.at
			applied = append(applied, ev)
		}
	}
	return applied
}

// laterOf is the later of two times.
func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tick moves the engine's clock on to at, if it is later. The caller
// holds c.mu.
func (c *Consequences) tick(at time.Time, applied []engine.Event) []engine.Event {
	if !at.After(c.latest) {
		return applied
	}
	ev := engine.Event{Type: engine.Tick, At: at}
	if c.apply(&ev) == nil {
		applied = append(applied, ev)
		c.latest = at
	}
	return applied
}

// State is the main agreement's state.
func (c *Consequences) State() *engine.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set.State("")
}

// States are the states of every agreement, the main one first.
func (c *Consequences) States() []*engine.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*engine.State, len(c.as))
	for i, a := range c.as {
		out[i] = c.set.State(a.ID)
	}
	return out
}

// StatesAt are the states of every agreement, the main one first, as a
// tick at at would leave them, without applying it (engine.Set.StatesAt).
func (c *Consequences) StatesAt(at time.Time) ([]*engine.State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set.StatesAt(at)
}

// verdicts says what the consultations make of their incidents after the
// events just applied: a dispute makes an incident disputed, a finding
// upheld (or a consultation closed unresolved, every deadline missed)
// confirmed, a finding dismissed dismissed; an inconclusive finding leaves
// it disputed. It returns incident id → state. The caller holds mu.
func (c *Consequences) verdicts(applied []engine.Event) map[string]string {
	out := map[string]string{}
	set := func(consultation, state string) {
		if _, cs, ok := c.set.Consultation(consultation); ok {
			if in := c.incidentOf[cs.Violation]; in != "" {
				out[in] = state
			}
		}
	}
	for _, ev := range applied {
		switch ev.Type {
		case engine.Response:
			if ev.Answer == "dispute" {
				c.disputed[ev.Consultation] = true
				set(ev.Consultation, fusion.Disputed)
			}
		case engine.Finding:
			delete(c.disputed, ev.Consultation)
			set(ev.Consultation, verdictOf(ev.Outcome))
		case engine.Tick, engine.ViolationEv: // both move the clock on
			for _, id := range slices.Sorted(maps.Keys(c.disputed)) {
				if _, cs, ok := c.set.Consultation(id); ok && cs.Stage == engine.StageClosed {
					delete(c.disputed, id)
					set(id, verdictOf(cs.Outcome))
				}
			}
		}
	}
	return out
}

// verdictOf is the incident state a consultation's outcome gives.
func verdictOf(outcome string) string {
	switch outcome {
	case engine.Dismissed:
		return fusion.Dismissed
	case engine.Inconclusive:
		return fusion.Disputed
	}
	return fusion.Confirmed
}
