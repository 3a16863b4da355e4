package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/report"
)

// agreement is the agreement's state for the registry's decisions.
type agreement struct{ holds, snapback bool }

func (a agreement) Holds(string) (bool, error) { return a.holds, nil }
func (a agreement) Snapback() bool             { return a.snapback }
func (a agreement) Seq() int                   { return 12 }
func (a agreement) Guarantor(g string) bool    { return g == "us" }

// registryLog is two days of the registry: the day before, a fund, two
// projects and a commitment; on the day, a second fund, a commitment
// confirmed by a guarantor, its confirmation and disbursement, a
// disbursement refused under snapback and a commitment refused for
// exceeding the fund.
func registryLog(t *testing.T, day time.Time) []reconstruction.Event {
	t.Helper()
	at := func(h float64) time.Time { return day.Add(time.Duration(h * float64(time.Hour))) }
	eur := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n * 100, Currency: "EUR"} }
	r := reconstruction.New()
	must := func(_ reconstruction.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Submit(reconstruction.Event{At: at(-20), Type: reconstruction.FundEv, Fund: &reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Owner: "eu", Amount: eur(1000000)}}))
	must(r.Submit(reconstruction.Event{At: at(-20), Type: reconstruction.ProjectEv, Project: &reconstruction.Project{ID: "kharkiv-grid", Title: "Kharkiv substation", Sector: "energy", Oblast: "kharkivska", Cost: eur(600000), Implementer: "ukrenergo", Status: reconstruction.Active}}))
	must(r.Submit(reconstruction.Event{At: at(-20), Type: reconstruction.ProjectEv, Project: &reconstruction.Project{ID: "odesa-port", Sector: "transport", Oblast: "odeska", Cost: eur(300000), Implementer: "uspa", Status: reconstruction.Planned}}))
	must(r.Submit(reconstruction.Event{At: at(-19), Type: reconstruction.CommitmentEv, Commitment: &reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "kharkiv-grid", Amount: eur(400000), Condition: "phase(permanent) == open"}}))
	must(r.Disburse(reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: eur(50000), At: at(-18)}, at(-18), agreement{holds: true}))
	must(r.Submit(reconstruction.Event{At: at(8), Type: reconstruction.FundEv, Fund: &reconstruction.Fund{ID: "us-dfc", Source: reconstruction.Pledge, Owner: "us", Amount: eur(250000)}}))
	must(r.Submit(reconstruction.Event{At: at(9), Type: reconstruction.CommitmentEv, Commitment: &reconstruction.Commitment{ID: "c2", Fund: "us-dfc", Project: "odesa-port", Amount: eur(200000), ConfirmBy: []string{"us"}}}))
	must(r.Confirm(reconstruction.Confirmation{ID: "k1", Commitment: "c2", Disbursement: "d2", Amount: eur(20000), Guarantor: "us"}, at(10), agreement{holds: true}))
	must(r.Disburse(reconstruction.Disbursement{ID: "d2", Commitment: "c2", Amount: eur(20000), At: at(11)}, at(11), agreement{holds: true}))
	if _, err := r.Disburse(reconstruction.Disbursement{ID: "d3", Commitment: "c1", Amount: eur(10000), At: at(14)}, at(14), agreement{holds: true, snapback: true}); err == nil {
		t.Fatal("no refusal under snapback")
	}
	if _, err := r.Submit(reconstruction.Event{At: at(15), Type: reconstruction.CommitmentEv, Commitment: &reconstruction.Commitment{ID: "c3", Fund: "us-dfc", Project: "kharkiv-grid", Amount: eur(60000)}}); err == nil {
		t.Fatal("no refusal over the fund")
	}
	// The day after: not in the day's report.
	must(r.Disburse(reconstruction.Disbursement{ID: "d4", Commitment: "c1", Amount: eur(1), At: at(30)}, at(30), agreement{holds: true}))
	return r.Log
}

// TestReconstructionGolden renders the daily report's reconstruction
// section — the day's funds, commitments, confirmations, disbursements
// and refusals with their reasons, by oblast and sector, of the day and
// to date — as JSON, Markdown and HTML against testdata/reconstruction.
// golden.* (go test ./report -run Golden -update rewrites them).
func TestReconstructionGolden(t *testing.T) {
	day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	x, err := report.BuildReconstruction(registryLog(t, day), day)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Commitments) != 1 || len(x.Disbursements) != 1 || len(x.Confirmations) != 1 || len(x.Refusals) != 2 || len(x.Funds) != 1 {
		t.Fatalf("the day: %s", x.JSON())
	}
	for _, o := range x.Oblasts {
		if o.Name == "kharkivska" && (o.Committed != 40000000 || o.Disbursed != 5000000 || o.CommittedToday != 0 || o.RefusalsToday != 2) {
			t.Errorf("kharkivska: %+v", o)
		}
		if o.Name == "odeska" && (o.CommittedToday != 20000000 || o.DisbursedToday != 2000000 || o.Disbursed != 2000000) {
			t.Errorf("odeska: %+v", o)
		}
	}
	var md, html bytes.Buffer
	if err := x.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := x.HTML(&html); err != nil {
		t.Fatal(err)
	}
	for ext, got := range map[string][]byte{"json": x.JSON(), "md": md.Bytes(), "html": html.Bytes()} {
		golden(t, filepath.Join("testdata", "reconstruction.golden."+ext), got)
	}
	// The daily report embeds the section.
	d := report.Build("ukraine-2025-ceasefire", day, nil, nil)
	d.Reconstruction = x
	var page bytes.Buffer
	if err := d.HTML(&page); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), html.String()) {
		t.Error("the daily report does not embed the reconstruction section")
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and read the diff):\n%s", path, got)
	}
}
