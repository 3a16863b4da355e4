package agreement

import (
	"time"

	"github.com/accord-peace/accord"

	"github.com/accord-peace/accord/cond"
)

// Agreement is an agreement file: the package it carries out, the parties
// and their roles, the provisions, the phases with their entry conditions,
// the monitoring section, the consultation's deadlines and the enforcement.
type Agreement struct {
	ID       string `yaml:"agreement"`
	Title    string `yaml:"title,omitempty"`
	Scenario string `yaml:"scenario,omitempty"`
	// Date is when the text was settled; deadlines given as dates must not
	// lie before it.
	Date string `yaml:"date,omitempty"`
	// Package is the negotiated package: the option chosen on each issue,
	// and where it came from (a solution concept or a proposal).
	Package *Package `yaml:"package,omitempty"`
	// Parties are the parties to the conflict, who sign and are obliged.
	Parties []string `yaml:"parties,omitempty"`
	// Roles lists every party's or organisation's roles per track.
	Roles        []Role        `yaml:"roles,omitempty"`
	Provisions   []Provision   `yaml:"provisions,omitempty"`
	Phases       []Phase       `yaml:"phases,omitempty"`
	Monitoring   *Monitoring   `yaml:"monitoring,omitempty"`
	Consultation *Consultation `yaml:"consultation,omitempty"`
	Enforcement  *Enforcement  `yaml:"enforcement,omitempty"`
	// Keys registers every author's ed25519 public key (base64): parties,
	// guarantors, monitors and sensor owners sign what they submit.
	Keys map[string]string `yaml:"keys,omitempty"`
	// RestrictEvidence keeps raw sensor evidence to monitors and
	// guarantors.
	RestrictEvidence bool `yaml:"restrict_evidence,omitempty"`

	date time.Time
	// file is the name the agreement was parsed from, lines the line of
	// each field (for the messages of CheckSet).
	file  string
	lines map[string]int
	path  string // the file Load read it from ("" when parsed from bytes)
}

// Path is the file the agreement was loaded from ("" when it was parsed
// from bytes).
func (a *Agreement) Path() string { return a.path }

// Package is the agreed package.
type Package struct {
	From    string            `yaml:"from,omitempty"`
	Options map[string]string `yaml:"options,omitempty"`
}

// Role kinds an actor holds in an agreement: the scenario's track roles.
const (
	RoleNegotiator  = accord.RoleNegotiator
	RoleGuarantor   = accord.RoleGuarantor
	RoleImplementer = accord.RoleImplementer
	RoleMonitor     = accord.RoleMonitor
)

// Role is what one actor is for some tracks (all tracks when none).
type Role struct {
	Actor  string   `yaml:"actor"`
	Role   string   `yaml:"role"`
	Tracks []string `yaml:"tracks,omitempty"`
}

// Provision is one obligation.
type Provision struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text,omitempty"`
	// Points name the provision's parts that monitoring rules enforce
	// (withdrawal.artillery of the heavy weapons' withdrawal): a rule's
	// provision is a provision's id or one of its points.
	Points  []string `yaml:"points,omitempty"`
	Obliged []string `yaml:"obliged,omitempty"`
	Track   string   `yaml:"track,omitempty"`
	// After names the event the deadline counts from (signature, phase:ID,
	// provision:ID); Within is the time allowed (30d, 12h). DueDate is an
	// absolute deadline instead (RFC 3339 date).
	After   string `yaml:"after,omitempty"`
	Within  string `yaml:"within,omitempty"`
	DueDate string `yaml:"due_date,omitempty"`
	// Nature is permanent or temporary; a temporary provision has an
	// expiry or a review (durations after its start).
	Nature  string `yaml:"nature,omitempty"`
	Expires string `yaml:"expires,omitempty"`
	Review  string `yaml:"review,omitempty"`
	// Legal is de_facto or de_jure; Reservation records a party's
	// reservation clause.
	Legal       string `yaml:"legal,omitempty"`
	Reservation string `yaml:"reservation,omitempty"`
	// AllForAll and Quota make the provision a prisoner exchange's
	// (exchange.go): done when its verifier attests the lists exhausted;
	// at least Min persons released per period.
	AllForAll *AllForAll `yaml:"all_for_all,omitempty"`
	Quota     *Quota     `yaml:"quota,omitempty"`
}

// Phase is a stage of the agreement; it opens when the previous one is open
// and its entry condition holds.
type Phase struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title,omitempty"`
	Entry string `yaml:"entry,omitempty"`
	entry *cond.Expr
}

// Consultation sets the deadlines of the emergency consultation, modelled
// on the JCPOA's dispute path (fixed day limits per stage).
type Consultation struct {
	// ResponseDays is the time the party notified has to accept or dispute.
	ResponseDays int `yaml:"response_days,omitempty"`
	// JointDays, MinistersDays and AdvisoryDays are the stages a disputed
	// notice goes through until a finding is signed.
	JointDays     int `yaml:"joint_days,omitempty"`
	MinistersDays int `yaml:"ministers_days,omitempty"`
	AdvisoryDays  int `yaml:"advisory_days,omitempty"`
	// Quorum is how many guarantors must sign a finding.
	Quorum int `yaml:"quorum,omitempty"`
	// Severity gives the severity of violations by rule (a rule or a
	// prefix ending in '*'); rules not listed are minor.
	Severity []RuleSeverity `yaml:"severity"`
}

// RuleSeverity is the severity of the violations of a rule.
type RuleSeverity struct {
	Rule     string `yaml:"rule"`
	Severity string `yaml:"severity"`
}

// Enforcement holds the consequences the record triggers.
type Enforcement struct {
	// Tranches of sanctions relief, each released when its condition holds
	// and re-imposed by snapback.
	Tranches []Tranche `yaml:"tranches,omitempty"`
	// SnapbackDays is the time from an upheld major violation, or a
	// consultation that failed at every stage, to the snapback of relief.
	SnapbackDays int `yaml:"snapback_days,omitempty"`
	// SnapbackAt says how SnapbackDays count (SnapbackEffective):
	// SnapbackMidnight ("" too) or SnapbackElapsed.
	SnapbackAt string `yaml:"snapback_at,omitempty"`
	// SuspendPhase names the phase a snapback suspends ("" none).
	SuspendPhase string `yaml:"suspend_phase,omitempty"`
	// SnapbackOn lists the parties whose upheld major violations snap the
	// relief back (the party the relief is for).
	SnapbackOn []string `yaml:"snapback_on,omitempty"`
	// Lift is the condition that ends a snapback in effect ("" never: the
	// JCPOA's snapback has none): the suspended phase resumes and the
	// tranches may be released again, each under its own condition.
	Lift string `yaml:"lift,omitempty"`
	lift *cond.Expr
}

// How a snapback's days count (Enforcement.SnapbackAt).
const (
	// SnapbackMidnight, the default, is the JCPOA's rule (UNSCR 2231 para.
	// 12, as the 2025 notification applied it: notified 28 August, in
	// effect 28 September): the snapback takes effect at 00:00:00 UTC after
	// the SnapbackDays-th day after the notification's day (UTC).
	SnapbackMidnight = "midnight"
	// SnapbackElapsed counts SnapbackDays × 24 h from the notification's
	// instant.
	SnapbackElapsed = "elapsed"
)

// SnapbackEffective is when a snapback notified at a time takes effect.
func (e *Enforcement) SnapbackEffective(notified time.Time) time.Time {
	if e.SnapbackAt == SnapbackElapsed {
		return notified.Add(time.Duration(e.SnapbackDays) * 24 * time.Hour)
	}
	y, m, d := notified.UTC().Date()
	return time.Date(y, m, d+e.SnapbackDays+1, 0, 0, 0, 0, time.UTC)
}

// Tranche is one tranche of relief.
type Tranche struct {
	ID      string `yaml:"id"`
	Text    string `yaml:"text,omitempty"`
	Release string `yaml:"release,omitempty"`
	release *cond.Expr
}

// Guarantors lists the actors with the guarantor role.
func (a *Agreement) Guarantors() []string {
	var out []string
	for _, r := range a.Roles {
		if r.Role == RoleGuarantor && !contains(out, r.Actor) {
			out = append(out, r.Actor)
		}
	}
	return out
}

// PhaseEntry is the parsed entry condition of phase i.
func (a *Agreement) PhaseEntry(i int) *cond.Expr { return a.Phases[i].entry }

// TrancheRelease is the parsed release condition of tranche i.
func (a *Agreement) TrancheRelease(i int) *cond.Expr { return a.Enforcement.Tranches[i].release }

// SnapbackLift is the parsed lift condition of the snapback, nil if the
// agreement has none.
func (a *Agreement) SnapbackLift() *cond.Expr {
	if a.Enforcement == nil {
		return nil
	}
	return a.Enforcement.lift
}

// SeverityOf is the severity of a rule's violations.
func (a *Agreement) SeverityOf(rule string) string {
	if a.Consultation != nil {
		for _, s := range a.Consultation.Severity {
			if matchRule(s.Rule, rule) {
				return s.Severity
			}
		}
	}
	return "minor"
}

func matchRule(pattern, rule string) bool {
	if n := len(pattern); n > 0 && pattern[n-1] == '*' {
		return len(rule) >= n-1 && rule[:n-1] == pattern[:n-1]
	}
	return pattern == rule
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
