package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/accord-peace/accord/internal/mdtext"
	"github.com/accord-peace/accord/reconstruction"
)

// Reconstruction is the daily report's reconstruction section: the
// registry's funds, commitments, confirmations and disbursements of the
// day (UTC) and to date, the refusals of the day with their reasons, and
// the money by oblast and by sector. Amounts are in minor units of each
// currency, never converted, as the registry keeps them.
type Reconstruction struct {
	Day time.Time `json:"day"`
	// Seq is the registry's last event by the end of the day.
	Seq int `json:"seq"`
	// Funds are the funds registered on the day.
	Funds         []reconstruction.Fund `json:"funds"`
	Commitments   []MoneyRow            `json:"commitments"`
	Confirmations []MoneyRow            `json:"confirmations"`
	Disbursements []MoneyRow            `json:"disbursements"`
	Refusals      []RefusalRow          `json:"refusals"`
	// FundTotals are every fund by the end of the day, what of it is
	// committed and disbursed.
	FundTotals []reconstruction.FundTotal `json:"fund_totals"`
	// Oblasts and Sectors are the money of the day and to date, and the
	// day's refusals, by oblast and by sector (and currency).
	Oblasts []PlaceRow `json:"oblasts"`
	Sectors []PlaceRow `json:"sectors"`
	// Projects and RefusalsToDate count the registry by the end of the day.
	Projects       int `json:"projects"`
	RefusalsToDate int `json:"refusals_to_date"`
	// RefusalsWithoutProject counts the day's refusals that name no
	// project (a fund refused): in Refusals, but in neither Oblasts nor
	// Sectors, whose refusals_today leave them out.
	RefusalsWithoutProject int `json:"refusals_without_project,omitempty"`
}

// UnplacedNote says how many of the day's refusals the tables by oblast
// and sector do not count ("" when none).
func (x *Reconstruction) UnplacedNote() string {
	if x.RefusalsWithoutProject == 0 {
		return ""
	}
	return fmt.Sprintf("%d of the day's refusals %s no project: the tables by oblast and sector do not count %s.",
		x.RefusalsWithoutProject, plural(x.RefusalsWithoutProject, "names", "name"), plural(x.RefusalsWithoutProject, "it", "them"))
}

// MoneyRow is a commitment, a confirmation or a disbursement of the day.
type MoneyRow struct {
	At         time.Time `json:"at"`
	ID         string    `json:"id"`
	Commitment string    `json:"commitment,omitempty"` // a confirmation's or a disbursement's
	// Disbursement is the disbursement a confirmation confirms.
	Disbursement string               `json:"disbursement,omitempty"`
	Fund         string               `json:"fund"`
	Owner        string               `json:"owner"`
	Project      string               `json:"project"`
	Oblast       string               `json:"oblast"`
	Sector       string               `json:"sector"`
	Amount       reconstruction.Money `json:"amount"`
	// Condition is a commitment's release condition; Guarantor a
	// confirmation's; AgreementSeq the agreement entry a disbursement or
	// a confirmation was decided on.
	Condition    string   `json:"condition,omitempty"`
	ConfirmBy    []string `json:"confirm_by,omitempty"`
	Guarantor    string   `json:"guarantor,omitempty"`
	AgreementSeq int      `json:"agreement_seq,omitempty"`
}

// RefusalRow is a refusal of the day: what was refused, why, and where
// when the registry knows the project.
type RefusalRow struct {
	At      time.Time `json:"at"`
	Type    string    `json:"type"`
	ID      string    `json:"id"`
	Reason  string    `json:"reason"`
	Project string    `json:"project,omitempty"`
	Oblast  string    `json:"oblast,omitempty"`
	Sector  string    `json:"sector,omitempty"`
}

// PlaceRow is the money of one oblast or sector in one currency: of the
// day and to date, and the day's refusals there.
type PlaceRow struct {
	Name           string `json:"name"`
	Currency       string `json:"currency"`
	CommittedToday int64  `json:"committed_today"`
	DisbursedToday int64  `json:"disbursed_today"`
	Committed      int64  `json:"committed"`
	Disbursed      int64  `json:"disbursed"`
	RefusalsToday  int    `json:"refusals_today"`
}

// BuildReconstruction makes the section of a day from the registry's log
// (events of any days: the registry is replayed to the end of the day).
func BuildReconstruction(log []reconstruction.Event, day time.Time) (*Reconstruction, error) {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	end := day.AddDate(0, 0, 1)
	var upto []reconstruction.Event
	for _, ev := range log {
		if ev.At.Before(end) {
			upto = append(upto, ev)
		}
	}
	reg, err := reconstruction.Replay(upto)
	if err != nil {
		return nil, fmt.Errorf("the reconstruction registry: %v", err)
	}
	tot := reg.Totals()
	x := &Reconstruction{Day: day, Seq: reg.Seq, Funds: []reconstruction.Fund{}, Commitments: []MoneyRow{}, Confirmations: []MoneyRow{},
		Disbursements: []MoneyRow{}, Refusals: []RefusalRow{}, FundTotals: tot.Funds, Projects: tot.Projects, RefusalsToDate: tot.Refusals}
	where := func(project string) (string, string) {
		p, _ := reg.Project(project)
		return p.Oblast, p.Sector
	}
	row := func(at time.Time, id, commitment string, m reconstruction.Money) MoneyRow {
		c, _ := reg.Commitment(commitment)
		f, _ := reg.Fund(c.Fund)
		ob, se := where(c.Project)
		return MoneyRow{At: at, ID: id, Fund: f.ID, Owner: f.Owner, Project: c.Project, Oblast: ob, Sector: se, Amount: m}
	}
	oblasts, sectors := map[[2]string]*PlaceRow{}, map[[2]string]*PlaceRow{}
	refusedIn, refusedSector := map[string]int{}, map[string]int{}
	place := func(m map[[2]string]*PlaceRow, name, currency string) *PlaceRow {
		k := [2]string{name, currency}
		if m[k] == nil {
			m[k] = &PlaceRow{Name: name, Currency: currency}
		}
		return m[k]
	}
	for _, o := range tot.Oblasts {
		p := place(oblasts, o.Name, o.Currency)
		p.Committed, p.Disbursed = o.Committed, o.Disbursed
	}
	for _, o := range tot.Sectors {
		p := place(sectors, o.Name, o.Currency)
		p.Committed, p.Disbursed = o.Committed, o.Disbursed
	}
	for _, ev := range upto {
		if ev.At.Before(day) {
			continue
		}
		switch {
		case ev.Fund != nil:
			x.Funds = append(x.Funds, *ev.Fund)
		case ev.Commitment != nil:
			r := row(ev.At, ev.Commitment.ID, ev.Commitment.ID, ev.Commitment.Amount)
			r.Condition, r.ConfirmBy = ev.Commitment.Condition, ev.Commitment.ConfirmBy
			x.Commitments = append(x.Commitments, r)
			place(oblasts, r.Oblast, r.Amount.Currency).CommittedToday += r.Amount.Amount
			place(sectors, r.Sector, r.Amount.Currency).CommittedToday += r.Amount.Amount
		case ev.Confirmation != nil:
			c := ev.Confirmation
			r := row(ev.At, c.ID, c.Commitment, c.Amount)
			r.Commitment, r.Disbursement, r.Guarantor, r.AgreementSeq = c.Commitment, c.Disbursement, c.Guarantor, c.AgreementSeq
			x.Confirmations = append(x.Confirmations, r)
		case ev.Disbursement != nil:
			d := ev.Disbursement
			r := row(ev.At, d.ID, d.Commitment, d.Amount)
			r.Commitment, r.AgreementSeq = d.Commitment, d.AgreementSeq
			x.Disbursements = append(x.Disbursements, r)
			place(oblasts, r.Oblast, r.Amount.Currency).DisbursedToday += r.Amount.Amount
			place(sectors, r.Sector, r.Amount.Currency).DisbursedToday += r.Amount.Amount
		case ev.Refusal != nil:
			f := ev.Refusal
			ob, se := where(f.Project)
			x.Refusals = append(x.Refusals, RefusalRow{At: ev.At, Type: f.Type, ID: f.ID, Reason: f.Reason, Project: f.Project, Oblast: ob, Sector: se})
			if f.Project != "" {
				refusedIn[ob]++
				refusedSector[se]++
			} else {
				x.RefusalsWithoutProject++
			}
		}
	}
	x.Oblasts, x.Sectors = placeRows(oblasts, refusedIn), placeRows(sectors, refusedSector)
	return x, nil
}

// placeRows are the rows sorted by name and currency; a place's refusals
// are counted on its first row (a place refused before any money was
// committed there has a row of its own, without a currency).
func placeRows(m map[[2]string]*PlaceRow, refused map[string]int) []PlaceRow {
	for name := range refused {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(m)), func(k [2]string) bool { return k[0] == name }) {
			m[[2]string{name, ""}] = &PlaceRow{Name: name}
		}
	}
	out := []PlaceRow{}
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b PlaceRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Currency, b.Currency))
	})
	for i := range out {
		if i == 0 || out[i-1].Name != out[i].Name {
			out[i].RefusalsToday = refused[out[i].Name]
		}
	}
	return out
}

// JSON is the section as indented JSON; the same log and day give the
// same bytes.
func (x *Reconstruction) JSON() []byte {
	b, _ := json.MarshalIndent(x, "", "  ")
	return append(b, '\n')
}

// money writes minor units of a currency in major units.
func money(n int64, currency string) string {
	if currency == "" {
		return "—"
	}
	return reconstruction.Money{Amount: n, Currency: currency}.String()
}

// HTML writes the section as an HTML fragment, as the daily report
// embeds it (its template "reconstruction").
func (x *Reconstruction) HTML(w io.Writer) error {
	return daily.ExecuteTemplate(w, "reconstruction", x)
}

// Markdown writes the section as Markdown.
func (x *Reconstruction) Markdown(w io.Writer) error {
	var b strings.Builder
	cell := mdtext.Cell
	fmt.Fprintf(&b, "## Reconstruction — %s\n\n", x.Day.Format("2 January 2006"))
	fmt.Fprintf(&b, "Registry event %d by the end of the day: %d funds, %d projects, %d refusals to date. Amounts in each currency, never converted.\n\n",
		x.Seq, len(x.FundTotals), x.Projects, x.RefusalsToDate)
	fmt.Fprintf(&b, "Today — funds registered: %d; commitments: %d; confirmations: %d; disbursements: %d; refusals: %d.\n\n",
		len(x.Funds), len(x.Commitments), len(x.Confirmations), len(x.Disbursements), len(x.Refusals))
	places := func(head string, rows []PlaceRow) {
		fmt.Fprintf(&b, "### By %s\n\n", head)
		if len(rows) == 0 {
			b.WriteString("No money committed yet.\n\n")
			return
		}
		fmt.Fprintf(&b, "| %s | committed today | disbursed today | committed to date | disbursed to date | refusals today |\n|---|---:|---:|---:|---:|---:|\n", head)
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d |\n", cell(r.Name), money(r.CommittedToday, r.Currency), money(r.DisbursedToday, r.Currency),
				money(r.Committed, r.Currency), money(r.Disbursed, r.Currency), r.RefusalsToday)
		}
		b.WriteString("\n")
	}
	places("oblast", x.Oblasts)
	places("sector", x.Sectors)
	if n := x.UnplacedNote(); n != "" {
		b.WriteString(n + "\n\n")
	}
	if len(x.Funds) > 0 {
		b.WriteString("### Funds registered today\n\n| fund | source | owner | amount |\n|---|---|---|---:|\n")
		for _, f := range x.Funds {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(f.ID), cell(f.Source), cell(f.Owner), f.Amount)
		}
		b.WriteString("\n")
	}
	moneyRows := func(head string, rows []MoneyRow, extra func(MoneyRow) string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "### %s\n\n| time | id | fund (owner) | project | oblast | sector | amount | |\n|---|---|---|---|---|---|---:|---|\n", head)
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s (%s) | %s | %s | %s | %s | %s |\n", Instant(r.At), cell(r.ID), cell(r.Fund), cell(r.Owner),
				cell(r.Project), cell(r.Oblast), cell(r.Sector), r.Amount, cell(extra(r)))
		}
		b.WriteString("\n")
	}
	moneyRows("Commitments today", x.Commitments, MoneyRow.CommitmentNote)
	moneyRows("Confirmations today", x.Confirmations, MoneyRow.ConfirmationNote)
	moneyRows("Disbursements today", x.Disbursements, MoneyRow.DisbursementNote)
	b.WriteString("### Refusals today\n\n")
	if len(x.Refusals) == 0 {
		b.WriteString("None.\n\n")
	} else {
		b.WriteString("| time | refused | oblast | sector | reason |\n|---|---|---|---|---|\n")
		for _, r := range x.Refusals {
			fmt.Fprintf(&b, "| %s | %s %s | %s | %s | %s |\n", Instant(r.At), r.Type, cell(r.ID), cell(r.Oblast), cell(r.Sector), cell(r.Reason))
		}
		b.WriteString("\n")
	}
	b.WriteString("### Funds to date\n\n")
	if len(x.FundTotals) == 0 {
		b.WriteString("No fund registered.\n")
	} else {
		b.WriteString("| fund | source | owner | amount | committed | disbursed |\n|---|---|---|---:|---:|---:|\n")
		for _, f := range x.FundTotals {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(f.ID), cell(f.Source), cell(f.Owner), f.Amount,
				money(f.Committed, f.Amount.Currency), money(f.Disbursed, f.Amount.Currency))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CommitmentNote says when a commitment is released.
func (r MoneyRow) CommitmentNote() string {
	s := "released when: always (snapback apart)"
	if r.Condition != "" {
		s = "released when: " + r.Condition
	}
	if len(r.ConfirmBy) > 0 {
		s += "; confirmed by " + strings.Join(r.ConfirmBy, ", ")
	}
	return s
}

// ConfirmationNote says what a confirmation confirms.
func (r MoneyRow) ConfirmationNote() string {
	return fmt.Sprintf("%s confirms disbursement %s of %s (agreement entry %d)", r.Guarantor, r.Disbursement, r.Commitment, r.AgreementSeq)
}

// DisbursementNote says what a disbursement was released against.
func (r MoneyRow) DisbursementNote() string {
	return fmt.Sprintf("against %s, released on agreement entry %d", r.Commitment, r.AgreementSeq)
}
