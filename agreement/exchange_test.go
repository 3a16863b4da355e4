package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/scenarios"
)

func TestPrisonerExchangeAgreement(t *testing.T) {
	for _, load := range []func() (*agreement.Agreement, error){
		func() (*agreement.Agreement, error) {
			return agreement.Load("../scenarios/ukraine-2025/prisoner-exchange.yaml")
		},
		func() (*agreement.Agreement, error) {
			return agreement.LoadFS(scenarios.FS, scenarios.PrisonerExchange)
		},
	} {
		a, err := load()
		if err != nil {
			t.Fatal(err)
		}
		if v := a.Verifiers(); len(v) != 1 || v[0] != "icrc" {
			t.Errorf("verifiers %v", v)
		}
		if a.Monitoring != nil {
			t.Error("a monitoring section")
		}
		var kinds []string
		for _, p := range a.Provisions {
			switch {
			case p.AllForAll != nil:
				kinds = append(kinds, p.ID+":all_for_all:"+p.AllForAll.Verifier)
			case p.Quota != nil:
				kinds = append(kinds, p.ID+":quota:"+strings.Join(p.QuotaParties(), ","))
			}
		}
		if got := strings.Join(kinds, " "); got != "all-for-all:all_for_all:icrc quota-ru:quota:ru quota-ua:quota:ua" {
			t.Errorf("exchange provisions %s", got)
		}
	}
}

const exchangeBase = `agreement: x
date: 2025-11-30
parties: [ua, ru]
roles:
  - {actor: ae, role: guarantor}
  - {actor: icrc, role: verifier}
provisions:
  - {id: all, obliged: [ua, ru], after: signature, within: 90d, all_for_all: {verifier: icrc}}
  - {id: quota, obliged: [ua, ru], quota: {min: 100, per: 30d, until: "provision:all"}}
phases:
  - {id: one, entry: "exchanged(party=ru, within=30d) >= 100"}
consultation:
  response_days: 3
  joint_days: 15
  ministers_days: 15
  advisory_days: 5
  quorum: 1
  severity: [{rule: "provision:all", severity: major}]
`

func TestExchangeErrors(t *testing.T) {
	if _, err := agreement.Parse("x.yaml", []byte(exchangeBase)); err != nil {
		t.Fatalf("base: %v", err)
	}
	tests := []struct{ name, old, new, want string }{
		{"unknown role", "role: verifier", "role: witness", `roles[1].role: "witness" is not one of negotiator, guarantor, implementer, monitor, verifier`},
		{"no verifier at all", "role: verifier", "role: guarantor", "provisions[0] (all): an exchange provision needs a verifier (roles with role: verifier)"},
		{"verifier not a verifier", "all_for_all: {verifier: icrc}", "all_for_all: {verifier: ae}", `provisions[0] (all).all_for_all.verifier: "ae" is not a verifier ([icrc])`},
		{"verifier missing", "all_for_all: {verifier: icrc}", "all_for_all: {}", "provisions[0] (all).all_for_all.verifier: missing"},
		{"both", "all_for_all: {verifier: icrc}}", "all_for_all: {verifier: icrc}, quota: {min: 1, per: 30d}}", "provisions[0] (all): give either all_for_all or quota"},
		{"quota min", "min: 100", "min: 0", "provisions[1] (quota).quota.min: must be at least 1 person, got 0"},
		{"quota min negative", "min: 100", "min: -5", "quota.min: must be at least 1 person, got -5"},
		{"quota per", "per: 30d", "per: 1mo", `provisions[1] (quota).quota.per: "1mo": want a duration`},
		{"quota per zero", "per: 30d", "per: 0d", "provisions[1] (quota).quota.per: must be longer than 0"},
		{"quota with within", "quota: {min: 100", "after: signature, within: 30d, quota: {min: 100", "provisions[1] (quota).quota: a quota's deadlines are its periods"},
		{"quota party not obliged", "per: 30d,", "per: 30d, party: ae,", `provisions[1] (quota).quota.party: "ae" is not obliged to the provision`},
		{"quota obliges a non-party", "{id: quota, obliged: [ua, ru]", "{id: quota, obliged: [ua, ae]", `provisions[1] (quota).quota: "ae" releases no one: only the parties ([ua ru]) release persons`},
		{"quota until unknown", `until: "provision:all"`, `until: "provision:none"`, `provisions[1] (quota).quota.until: no event "provision:none"`},
		{"quota until itself", `until: "provision:all"`, `until: "provision:quota"`, "provisions[1] (quota).quota.until: a quota cannot end with itself"},
		{"exchanged party", "exchanged(party=ru,", "exchanged(party=by,", `phases[0] (one).entry: column 17: no party "by"`},
		{"exchanged filter", "exchanged(party=ru,", "exchanged(rule=crossing,", `exchanged has no filter "rule" (want party, within)`},
		{"severity of an unknown provision", `rule: "provision:all"`, `rule: "provision:lists"`, `consultation.severity[0].rule: no rule "provision:lists"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(exchangeBase, tt.old) {
				t.Fatalf("base lacks %q", tt.old)
			}
			_, err := agreement.Parse("x.yaml", []byte(strings.Replace(exchangeBase, tt.old, tt.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}
