package reconstruction

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OCDSOptions name the publication.
type OCDSOptions struct {
	Prefix    string // the registered ocid prefix, e.g. ocds-abc123
	URI       string // the package's URI
	Publisher string
}

type ocdsPackage struct {
	URI           string        `json:"uri"`
	Version       string        `json:"version"`
	PublishedDate string        `json:"publishedDate"`
	Publisher     ocdsPublisher `json:"publisher"`
	Releases      []ocdsRelease `json:"releases"`
}

type ocdsPublisher struct {
	Name string `json:"name"`
}

type ocdsRelease struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language"`
	Parties        []ocdsParty    `json:"parties"`
	Planning       ocdsPlanning   `json:"planning"`
	Tender         ocdsTender     `json:"tender"`
	Awards         []ocdsAward    `json:"awards,omitempty"`
	Contracts      []ocdsContract `json:"contracts,omitempty"`
}

type ocdsParty struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

type ocdsOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ocdsValue struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

type ocdsPlanning struct {
	Rationale string     `json:"rationale,omitempty"`
	Budget    ocdsBudget `json:"budget"`
}

type ocdsBudget struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Amount      ocdsValue `json:"amount"`
	Project     string    `json:"project"`
	ProjectID   string    `json:"projectID"`
}

type ocdsTender struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	Value       ocdsValue `json:"value"`
}

type ocdsAward struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	Value       ocdsValue `json:"value"`
	Suppliers   []ocdsOrg `json:"suppliers"`
}

type ocdsContract struct {
	ID             string             `json:"id"`
	AwardID        string             `json:"awardID"`
	Description    string             `json:"description"`
	Status         string             `json:"status"`
	Value          ocdsValue          `json:"value"`
	Implementation ocdsImplementation `json:"implementation"`
}

type ocdsImplementation struct {
	Transactions []ocdsTransaction `json:"transactions"`
}

type ocdsTransaction struct {
	ID    string    `json:"id"`
	Date  string    `json:"date"`
	Value ocdsValue `json:"value"`
	Payer ocdsOrg   `json:"payer"`
	Payee ocdsOrg   `json:"payee"`
}

func value(m Money) ocdsValue { return ocdsValue{json.Number(m.Major()), m.Currency} }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tenderStatus maps a project's status to the OCDS tender status codelist.
var tenderStatus = map[string]string{Planned: "planned", Active: "complete", Complete: "complete", Cancelled: "cancelled"}

// ErrNoReleases is OCDS's answer for a registry without projects: a
// release package holds at least one release.
var ErrNoReleases = errors.New("ocds: the registry holds no project, and a release package holds at least one release")

// OCDS exports the registry as an OCDS 1.1 release package: one release
// per project (see docs/reconstruction.md for the mapping). The same
// registry gives the same bytes.
func (r *Registry) OCDS(o OCDSOptions) ([]byte, error) {
	if o.Prefix == "" || o.URI == "" || o.Publisher == "" {
		return nil, fmt.Errorf("ocds: want an ocid prefix, a package URI and a publisher")
	}
	if len(r.Projects) == 0 {
		return nil, ErrNoReleases
	}
	pkg := ocdsPackage{URI: o.URI, Version: "1.1", PublishedDate: stamp(r.Now), Publisher: ocdsPublisher{o.Publisher}}
	for _, p := range r.Projects {
		pkg.Releases = append(pkg.Releases, r.release(o.Prefix, p))
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	return append(b, '\n'), err
}

// release is a project's release, as of the last event concerning it.
func (r *Registry) release(prefix string, p Project) ocdsRelease {
	ocid := prefix + "-" + p.ID
	last := r.lastEvent(p.ID)
	rel := ocdsRelease{
		OCID: ocid, ID: fmt.Sprintf("%s-%d", ocid, last.Seq), Date: stamp(last.At),
		Tag: []string{"planning", "tender"}, InitiationType: "tender", Language: "en",
		Tender: ocdsTender{ID: ocid + "-tender", Title: title(p), Description: fmt.Sprintf("Sector %s, oblast %s; implementer %s.", p.Sector, p.Oblast, p.Implementer), Status: tenderStatus[p.Status], Value: value(p.Cost)},
	}
	parties := map[string][]string{p.Implementer: {"supplier", "payee"}}
	var funds []string
	for _, c := range r.Commitments {
		if c.Project != p.ID {
			continue
		}
		f, _ := r.Fund(c.Fund)
		funds = append(funds, fmt.Sprintf("%s (%s, %s)", f.ID, f.Source, f.Owner))
		if _, ok := parties[f.Owner]; !ok {
			parties[f.Owner] = []string{"funder", "payer"}
		}
		rel.Awards = append(rel.Awards, ocdsAward{ID: c.ID, Description: fmt.Sprintf("%s from fund %s (%s, %s)", c.Amount, f.ID, f.Source, f.Owner), Status: "active", Value: value(c.Amount), Suppliers: []ocdsOrg{{p.Implementer, p.Implementer}}})
		k := ocdsContract{ID: c.ID, AwardID: c.ID, Description: "Released when: " + conditionText(c.Condition), Status: contractStatus(p), Value: value(c.Amount), Implementation: ocdsImplementation{Transactions: []ocdsTransaction{}}}
		for _, d := range r.Disbursements {
			if d.Commitment == c.ID {
				k.Implementation.Transactions = append(k.Implementation.Transactions, ocdsTransaction{ID: d.ID, Date: stamp(d.At), Value: value(d.Amount), Payer: ocdsOrg{f.Owner, f.Owner}, Payee: ocdsOrg{p.Implementer, p.Implementer}})
			}
		}
		if len(k.Implementation.Transactions) > 0 && !slices.Contains(rel.Tag, "implementation") {
			rel.Tag = append(rel.Tag, "implementation")
		}
		rel.Contracts = append(rel.Contracts, k)
	}
	if len(rel.Awards) > 0 {
		rel.Tag = append(rel.Tag[:2], append([]string{"award", "contract"}, rel.Tag[2:]...)...)
	}
	desc := fmt.Sprintf("Reconstruction, sector %s, oblast %s", p.Sector, p.Oblast)
	if len(funds) > 0 {
		desc += "; funded by " + strings.Join(funds, ", ")
	}
	rel.Planning = ocdsPlanning{Budget: ocdsBudget{ID: "budget-" + p.ID, Description: desc, Amount: value(p.Cost), Project: title(p), ProjectID: p.ID}}
	names := make([]string, 0, len(parties))
	for n := range parties {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		rel.Parties = append(rel.Parties, ocdsParty{n, n, parties[n]})
	}
	return rel
}

func title(p Project) string {
	if p.Title != "" {
		return p.Title
	}
	return p.ID
}

func conditionText(c string) string {
	if c == "" {
		return "always (unless snapback is in force)"
	}
	return c + " (and no snapback in force)"
}

func contractStatus(p Project) string {
	switch p.Status {
	case Cancelled:
		return "cancelled"
	case Complete:
		return "terminated"
	}
	return "active"
}

// lastEvent is the last event concerning a project: the project itself,
// its commitments or their disbursements.
func (r *Registry) lastEvent(project string) Event {
	var last Event
	for _, ev := range r.Log {
		switch {
		case ev.Project != nil && ev.Project.ID == project,
			ev.Commitment != nil && ev.Commitment.Project == project:
			last = ev
		case ev.Disbursement != nil:
			if c, _ := r.Commitment(ev.Disbursement.Commitment); c.Project == project {
				last = ev
			}
		}
	}
	return last
}
