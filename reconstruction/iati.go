package reconstruction

import (
	"encoding/xml"
	"errors"
	"fmt"
	"time"
)

// ErrNoActivities is IATI's answer for a registry without projects: the
// IATI 2.03 schema wants at least one iati-activity in a document.
var ErrNoActivities = errors.New("iati: the registry holds no project, and an IATI document holds at least one activity")

// IATIOptions name the reporting organisation of an IATI export.
type IATIOptions struct {
	OrgRef  string // the reporting organisation's IATI identifier; activity ids start with it
	OrgName string
	OrgType string // IATI OrganisationType code, e.g. 10 (government)
}

type iatiActivities struct {
	XMLName    xml.Name       `xml:"iati-activities"`
	Version    string         `xml:"version,attr"`
	Generated  string         `xml:"generated-datetime,attr"`
	Activities []iatiActivity `xml:"iati-activity"`
}

type iatiNarrative struct {
	Text string `xml:"narrative"`
}

type iatiOrg struct {
	Ref  string `xml:"ref,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Role string `xml:"role,attr,omitempty"`
	iatiNarrative
}

type iatiCode struct {
	Code string `xml:"code,attr"`
}

type iatiDate struct {
	Type    string `xml:"type,attr,omitempty"`
	ISODate string `xml:"iso-date,attr"`
}

type iatiSector struct {
	Vocabulary string `xml:"vocabulary,attr"`
	Code       string `xml:"code,attr"`
	iatiNarrative
}

type iatiLocation struct {
	Name iatiNarrative `xml:"name"`
}

type iatiValue struct {
	Currency  string `xml:"currency,attr"`
	ValueDate string `xml:"value-date,attr"`
	Amount    string `xml:",chardata"`
}

type iatiTransaction struct {
	Ref         string        `xml:"ref,attr"`
	Type        iatiCode      `xml:"transaction-type"`
	Date        iatiDate      `xml:"transaction-date"`
	Value       iatiValue     `xml:"value"`
	Description iatiNarrative `xml:"description"`
	Provider    iatiOrg       `xml:"provider-org"`
	Receiver    iatiOrg       `xml:"receiver-org"`
}

// iatiActivity lists its elements in the order of the IATI 2.03 schema.
type iatiActivity struct {
	LastUpdated  string            `xml:"last-updated-datetime,attr"`
	Currency     string            `xml:"default-currency,attr"`
	Identifier   string            `xml:"iati-identifier"`
	Reporting    iatiOrg           `xml:"reporting-org"`
	Title        iatiNarrative     `xml:"title"`
	Description  iatiNarrative     `xml:"description"`
	Participants []iatiOrg         `xml:"participating-org"`
	Status       iatiCode          `xml:"activity-status"`
	Dates        []iatiDate        `xml:"activity-date"`
	Country      iatiCode          `xml:"recipient-country"`
	Location     iatiLocation      `xml:"location"`
	Sector       iatiSector        `xml:"sector"`
	Transactions []iatiTransaction `xml:"transaction"`
}

// iatiStatus maps a project's status to the IATI ActivityStatus codelist.
var iatiStatus = map[string]string{Planned: "1", Active: "2", Complete: "4", Cancelled: "5"}

func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// IATI exports the registry as a minimal IATI 2.03 iati-activities
// document: one activity per project, its commitments (transaction type
// 2) and disbursements (type 3). The same registry gives the same bytes.
func (r *Registry) IATI(o IATIOptions) ([]byte, error) {
	if o.OrgRef == "" || o.OrgName == "" || o.OrgType == "" {
		return nil, fmt.Errorf("iati: want the reporting organisation's ref, name and type")
	}
	if len(r.Projects) == 0 {
		return nil, ErrNoActivities
	}
	doc := iatiActivities{Version: "2.03", Generated: stamp(r.Now)}
	when := map[string]time.Time{} // commitment and project ids: when first recorded
	for _, ev := range r.Log {
		if ev.Commitment != nil {
			when["c:"+ev.Commitment.ID] = ev.At
		}
		if ev.Project != nil {
			if _, ok := when["p:"+ev.Project.ID]; !ok {
				when["p:"+ev.Project.ID] = ev.At
			}
		}
	}
	for _, p := range r.Projects {
		act := iatiActivity{
			LastUpdated: stamp(r.lastEvent(p.ID).At), Currency: p.Cost.Currency,
			Identifier:   o.OrgRef + "-" + p.ID,
			Reporting:    iatiOrg{Ref: o.OrgRef, Type: o.OrgType, iatiNarrative: iatiNarrative{o.OrgName}},
			Title:        iatiNarrative{title(p)},
			Description:  iatiNarrative{fmt.Sprintf("Reconstruction, sector %s, oblast %s; cost %s; implementer %s.", p.Sector, p.Oblast, p.Cost, p.Implementer)},
			Participants: []iatiOrg{{Role: "4", iatiNarrative: iatiNarrative{p.Implementer}}},
			Status:       iatiCode{iatiStatus[p.Status]},
			Dates:        []iatiDate{{Type: "1", ISODate: isoDate(when["p:"+p.ID])}},
			Country:      iatiCode{"UA"},
			Location:     iatiLocation{iatiNarrative{p.Oblast}},
			Sector:       iatiSector{Vocabulary: "99", Code: p.Sector, iatiNarrative: iatiNarrative{p.Sector}},
		}
		funders := map[string]bool{}
		for _, c := range r.Commitments {
			if c.Project != p.ID {
				continue
			}
			f, _ := r.Fund(c.Fund)
			if !funders[f.Owner] {
				funders[f.Owner] = true
				act.Participants = append(act.Participants, iatiOrg{Role: "1", iatiNarrative: iatiNarrative{f.Owner}})
			}
			at := when["c:"+c.ID]
			act.Transactions = append(act.Transactions, iatiTransaction{
				Ref: c.ID, Type: iatiCode{"2"}, Date: iatiDate{ISODate: isoDate(at)},
				Value:       iatiValue{c.Amount.Currency, isoDate(at), c.Amount.Major()},
				Description: iatiNarrative{fmt.Sprintf("Commitment from fund %s (%s); released when: %s", f.ID, f.Source, conditionText(c.Condition))},
				Provider:    iatiOrg{iatiNarrative: iatiNarrative{f.Owner}}, Receiver: iatiOrg{iatiNarrative: iatiNarrative{p.Implementer}},
			})
			for _, d := range r.Disbursements {
				if d.Commitment == c.ID {
					act.Transactions = append(act.Transactions, iatiTransaction{
						Ref: d.ID, Type: iatiCode{"3"}, Date: iatiDate{ISODate: isoDate(d.At)},
						Value:       iatiValue{d.Amount.Currency, isoDate(d.At), d.Amount.Major()},
						Description: iatiNarrative{"Disbursement against commitment " + c.ID},
						Provider:    iatiOrg{iatiNarrative: iatiNarrative{f.Owner}}, Receiver: iatiOrg{iatiNarrative: iatiNarrative{p.Implementer}},
					})
				}
			}
		}
		doc.Activities = append(doc.Activities, act)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}
