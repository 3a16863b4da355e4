package agreement

import (
	"fmt"
	"slices"

	"github.com/accord-peace/accord/cond"
)

// RoleVerifier is the neutral intermediary of a prisoner exchange (the
// ICRC's role in the exchanges of the war in Ukraine): it signs every
// exchange recorded, with the number of persons each side released, holds
// the lists of names, and attests when the lists are exhausted.
const RoleVerifier = "verifier"

// AllForAll makes a provision an all-for-all exchange: it is done when its
// verifier attests that the lists are exhausted (a provision_done entry by
// the verifier); a party's own word does not make it done.
type AllForAll struct {
	// Verifier is the actor, with the verifier role, who attests it.
	Verifier string `yaml:"verifier"`
}

// Quota obliges a party to release at least Min persons in every period
// of Per, counted from the provision's after event (signature when none)
// until its until event, if any. The engine assesses each period at its
// end, from the exchanges recorded in it: a shortfall is derived and marks
// the provision overdue for that period.
type Quota struct {
	Min int    `yaml:"min"`
	Per string `yaml:"per"`
	// Party is the releasing party the quota binds; every obliged party,
	// each on its own, when empty.
	Party string `yaml:"party,omitempty"`
	// Until names the event that ends the quota (provision:ID, phase:ID):
	// no period ending after it is assessed.
	Until string `yaml:"until,omitempty"`
}

// Verifiers lists the actors with the verifier role.
func (a *Agreement) Verifiers() []string {
	var out []string
	for _, r := range a.Roles {
		if r.Role == RoleVerifier && !contains(out, r.Actor) {
			out = append(out, r.Actor)
		}
	}
	return out
}

// QuotaParties are the releasing parties a quota provision binds, each on
// its own.
func (p Provision) QuotaParties() []string {
	if p.Quota == nil {
		return nil
	}
	if p.Quota.Party != "" {
		return []string{p.Quota.Party}
	}
	return p.Obliged
}

// checkExchanges checks the all_for_all and quota provisions.
func (a *Agreement) checkExchanges(names cond.Names) []string {
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	verifiers := a.Verifiers()
	for i, p := range a.Provisions {
		if p.AllForAll == nil && p.Quota == nil {
			continue
		}
		at := fmt.Sprintf("provisions[%d]", i)
		if p.ID != "" {
			at += fmt.Sprintf(" (%s)", p.ID)
		}
		if len(verifiers) == 0 {
			add("%s: an exchange provision needs a verifier (roles with role: verifier): only a verifier records exchanges", at)
		}
		if p.AllForAll != nil && p.Quota != nil {
			add("%s: give either all_for_all or quota (two provisions)", at)
		}
		if f := p.AllForAll; f != nil {
			if f.Verifier == "" {
				add("%s.all_for_all.verifier: missing (the verifier who attests the lists exhausted)", at)
			} else if !slices.Contains(verifiers, f.Verifier) {
				add("%s.all_for_all.verifier: %q is not a verifier (%v)", at, f.Verifier, verifiers)
			}
		}
		q := p.Quota
		if q == nil {
			continue
		}
		if q.Min < 1 {
			add("%s.quota.min: must be at least 1 person, got %d", at, q.Min)
		}
		if d, err := ParseDuration(q.Per); err != nil {
			add("%s.quota.per: %v", at, err)
		} else if d <= 0 {
			add("%s.quota.per: must be longer than 0", at)
		}
		if p.DueDate != "" || p.Within != "" {
			add("%s.quota: a quota's deadlines are its periods: leave out due_date and within", at)
		}
		if q.Party != "" && !slices.Contains(p.Obliged, q.Party) {
			add("%s.quota.party: %q is not obliged to the provision (%v)", at, q.Party, p.Obliged)
		}
		for _, o := range p.QuotaParties() {
			if !slices.Contains(a.Parties, o) {
				add("%s.quota: %q releases no one: only the parties (%v) release persons", at, o, a.Parties)
			}
		}
		if q.Until != "" {
			e, err := cond.Parse("since(" + q.Until + ") >= 0d")
			if err == nil {
				err = cond.Check(e, names)
			}
			if err != nil {
				add("%s.quota.until: no event %q (phase:ID, provision:ID)", at, q.Until)
			}
			if q.Until == "provision:"+p.ID {
				add("%s.quota.until: a quota cannot end with itself", at)
			}
		}
	}
	return probs
}

// exchangeRules are the rules a violation of an exchange provision carries
// (provision:ID): there is no sensor rule for a prisoner not released, but
// a violation of one, confirmed, goes through the consultation as any
// other, with the severity the consultation section gives its rule.
func (a *Agreement) exchangeRules() []string {
	var out []string
	for _, p := range a.Provisions {
		if p.AllForAll != nil || p.Quota != nil {
			out = append(out, "provision:"+p.ID)
		}
	}
	return out
}
