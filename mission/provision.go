package mission

import (
	"context"
	"fmt"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// ProvisionResult answers a provision recorded done: the provision as it
// now stands, what the engine derived (a phase it opens, a tranche it
// releases) and the last ledger entry.
type ProvisionResult struct {
	Provision engine.ProvisionState `json:"provision"`
	Derived   []engine.Derived      `json:"derived"`
	LastEntry *int64                `json:"last_entry,omitempty"`
}

// ProvisionDone records that a party carried out a provision it is obliged
// to (the engine's provision_done entry), at the monitoring clock's time:
// the entry and what the engine derived go into the ledger and onto the
// feed, and are restored at restart like the other engine entries. A
// refused one changes nothing: ENOTFOUND for no such provision, EINVALID
// otherwise (a party not obliged to it, done already, the agreement not in
// force), EUNAUTHORIZED when the agreement registers its authors' keys
// (then the party signs it: SubmitProvision).
func (m *Mission) ProvisionDone(ctx context.Context, id, party string) (ProvisionResult, error) {
	if m.consequences == nil {
		return ProvisionResult{}, errNoEngine()
	}
	if m.Signed() {
		return ProvisionResult{}, errMustSign("a provision done", "party", accord.SubmissionProvision)
	}
	m.engineMu.Lock()
	res, _, err := m.provisionDone(ctx, id, party, nil)
	return res, err
}

// provisionDone records a provision done after entries (the signed
// submission, if any). The caller holds engineMu, which it releases; ok is
// false when the engine refused it (nothing changed).
func (m *Mission) provisionDone(ctx context.Context, id, party string, entries []ledger.Entry) (ProvisionResult, bool, error) {
	events, derived, err := m.consequences.ProvisionDone(id, party)
	if err != nil {
		m.engineMu.Unlock()
		return ProvisionResult{}, false, err
	}
	res := ProvisionResult{Derived: derived}
	if res.Derived == nil {
		res.Derived = []engine.Derived{}
	}
	res.Provision, _ = m.consequences.Provision(id)
	rec, err := m.prepare(nil, nil, "", entries, events, derived)
	m.recordMu.Lock()
	m.engineMu.Unlock()
	defer m.recordMu.Unlock()
	if err != nil {
		return res, true, err
	}
	seqs, err := m.record(context.WithoutCancel(ctx), rec)
	res.LastEntry = lastOf(seqs)
	return res, true, err
}

// ProvisionDone applies a provision_done entry by party at the monitoring
// clock's time and returns it with what the engine derived. The id of a
// provision of an agreement beside the main one is qualified:
// AGREEMENT/PROVISION.
func (c *Consequences) ProvisionDone(id, party string) ([]engine.Event, []engine.Derived, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.provision(id); !ok {
		return nil, nil, accord.Errorf(accord.ENOTFOUND, "no provision %q%s", id, c.qualifyHint(id))
	}
	ag, pid := c.split(id)
	if party == "" {
		return nil, nil, accord.Errorf(accord.EINVALID, "provision %s: who did it? (a party obliged to it)", id)
	}
	if c.latest.IsZero() {
		return nil, nil, accord.Errorf(accord.EINVALID, "provision %s: the agreement is not in force yet (the parties sign at the first observation)", id)
	}
	ev := engine.Event{Type: engine.ProvisionDone, Agreement: ag, At: c.latest, Provision: pid, Party: party}
	if err := c.apply(&ev); err != nil {
		return nil, nil, accord.Errorf(accord.EINVALID, "%v", err)
	}
	return []engine.Event{ev}, c.fresh(), nil
}

// Provision returns where a provision stands.
func (c *Consequences) Provision(id string) (engine.ProvisionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.provision(id)
}

func (c *Consequences) provision(id string) (engine.ProvisionState, bool) {
	ag, pid := c.split(id)
	a := c.agreement(ag)
	if a == nil {
		return engine.ProvisionState{}, false
	}
	for _, p := range c.set.State(a.ID).Provisions {
		if p.ID == pid {
			return p, true
		}
	}
	return engine.ProvisionState{}, false
}

// split splits a provision id, AGREEMENT/PROVISION for an agreement beside
// the main one, into the events' agreement field and the provision's id.
func (c *Consequences) split(id string) (agreementKey, provision string) {
	if ag, p, ok := strings.Cut(id, "/"); ok {
		return c.key(ag), p
	}
	return "", id
}

// qualifyHint tells where an unqualified provision id is found instead.
func (c *Consequences) qualifyHint(id string) string {
	if strings.Contains(id, "/") {
		return ""
	}
	var in []string
	for _, a := range c.as[1:] {
		for _, p := range a.Provisions {
			if p.ID == id {
				in = append(in, a.ID+"/"+id)
			}
		}
	}
	if len(in) == 0 {
		return ""
	}
	return fmt.Sprintf(" in the main agreement %s; did you mean %s?", c.as[0].ID, strings.Join(in, " or "))
}

// Qualified is the provision id of an engine event as the mission names
// it: AGREEMENT/PROVISION for an agreement beside the main one.
func Qualified(ev engine.Event) string {
	if ev.Agreement == "" {
		return ev.Provision
	}
	return ev.Agreement + "/" + ev.Provision
}
