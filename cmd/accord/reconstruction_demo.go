package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/reconstruction"
)

// The demo's reconstruction registry: illustrative funds, projects and
// commitments (figures invented for the demonstration, in EUR), registered
// as the story starts. The unconditional commitments are disbursed at
// once; the others wait on the agreement — the permanent phase, a
// guarantor's confirmation, the reconstruction phase — and are asked for
// again as the story goes on, each refusal recorded.
var (
	demoFunds = []reconstruction.Fund{
		{ID: "eu-ukraine-facility", Source: reconstruction.Pledge, Owner: "eu", Amount: eur(5_000_000_000)},
		{ID: "eu-era-loan", Source: reconstruction.Loan, Owner: "eu", Amount: eur(3_000_000_000)},
		{ID: "us-frozen-assets", Source: reconstruction.FrozenAssets, Owner: "us", Amount: eur(2_000_000_000)},
	}
	demoProjects = []reconstruction.Project{
		{ID: "kyiv-homes", Title: "Housing repair, Kyiv oblast", Sector: "housing", Oblast: "kyivska", Cost: eur(400_000_000), Implementer: "kyiv-oblast-administration", Status: reconstruction.Active},
		{ID: "odesa-port", Title: "Odesa port berths", Sector: "transport", Oblast: "odeska", Cost: eur(300_000_000), Implementer: "uspa", Status: reconstruction.Active},
		{ID: "kharkiv-grid", Title: "Kharkiv substations", Sector: "energy", Oblast: "kharkivska", Cost: eur(600_000_000), Implementer: "ukrenergo", Status: reconstruction.Planned},
		{ID: "zaporizhzhia-water", Title: "Zaporizhzhia water supply", Sector: "water", Oblast: "zaporizka", Cost: eur(250_000_000), Implementer: "zaporizhzhia-vodokanal", Status: reconstruction.Planned},
		{ID: "mykolaiv-water", Title: "Mykolaiv water pipeline", Sector: "water", Oblast: "mykolaivska", Cost: eur(200_000_000), Implementer: "mykolaiv-vodokanal", Status: reconstruction.Planned},
	}
	demoCommitments = []reconstruction.Commitment{
		{ID: "c-kyiv", Fund: "eu-ukraine-facility", Project: "kyiv-homes", Amount: eur(300_000_000)},
		{ID: "c-odesa", Fund: "us-frozen-assets", Project: "odesa-port", Amount: eur(200_000_000)},
		{ID: "c-kharkiv", Fund: "eu-era-loan", Project: "kharkiv-grid", Amount: eur(500_000_000), Condition: "phase(permanent) == open"},
		{ID: "c-zaporizhzhia", Fund: "eu-ukraine-facility", Project: "zaporizhzhia-water", Amount: eur(150_000_000), Condition: "phase(permanent) == open", ConfirmBy: []string{"us"}},
		{ID: "c-mykolaiv", Fund: "us-frozen-assets", Project: "mykolaiv-water", Amount: eur(100_000_000), Condition: "phase(reconstruction) == open"},
	}
	// demoNow are disbursed as the story starts; demoLater as it goes on.
	demoNow = []reconstruction.Disbursement{
		{ID: "d-kyiv-1", Commitment: "c-kyiv", Amount: eur(100_000_000)},
		{ID: "d-odesa-1", Commitment: "c-odesa", Amount: eur(50_000_000)},
	}
	demoLater = []reconstruction.Disbursement{
		{ID: "d-kharkiv-1", Commitment: "c-kharkiv", Amount: eur(100_000_000)},
		{ID: "d-zaporizhzhia-1", Commitment: "c-zaporizhzhia", Amount: eur(50_000_000)},
		{ID: "d-mykolaiv-1", Commitment: "c-mykolaiv", Amount: eur(20_000_000)},
	}
)

func eur(major int64) reconstruction.Money {
	return reconstruction.Money{Amount: major * 100, Currency: "EUR"}
}

// demoOwner is the owner of a commitment's fund.
func demoOwner(commitment string) string {
	for _, c := range demoCommitments {
		if c.ID == commitment {
			for _, f := range demoFunds {
				if f.ID == c.Fund {
					return f.Owner
				}
			}
		}
	}
	return ""
}

// seedReconstruction registers the demo's funds, projects and commitments
// and the first disbursements (nothing when the registry holds some
// already: a --data directory used before).
func seedReconstruction(f *funding.Funding, out io.Writer) error {
	if f == nil || len(f.Registry().Funds) > 0 {
		return nil
	}
	for _, x := range demoFunds {
		if _, err := f.RegisterFund(funding.By(x.Owner), x); err != nil {
			return err
		}
	}
	for _, p := range demoProjects {
		if _, err := f.RegisterProject(funding.By("mediator"), p); err != nil {
			return err
		}
	}
	for _, c := range demoCommitments {
		if _, err := f.Commit(funding.By(demoOwner(c.ID)), c); err != nil {
			return err
		}
	}
	for _, d := range demoNow {
		if _, err := f.Disburse(funding.By(demoOwner(d.Commitment)), d); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "reconstruction: %d funds, %d projects, %d commitments; %d disbursed, %d waiting on the agreement (the dashboard's money view)\n",
		len(demoFunds), len(demoProjects), len(demoCommitments), len(demoNow), len(demoLater))
	return nil
}

// disburseLater asks for the waiting disbursements every period until
// each is released (a guarantor confirming those that need it first),
// each refusal recorded, until ctx ends.
func disburseLater(ctx context.Context, f *funding.Funding, period time.Duration, out io.Writer) {
	pending := append([]reconstruction.Disbursement(nil), demoLater...)
	confirmed := map[string]bool{}
	tick := time.NewTicker(period)
	defer tick.Stop()
	for len(pending) > 0 {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var still []reconstruction.Disbursement
		for _, d := range pending {
			c, _ := f.Registry().Commitment(d.Commitment)
			for _, g := range c.ConfirmBy {
				if !confirmed[d.ID+g] {
					if _, err := f.Confirm(funding.By(g), funding.ConfirmationRequest{ID: "k-" + d.ID + "-" + g, Commitment: c.ID, Disbursement: d.ID, Amount: d.Amount}); err == nil {
						confirmed[d.ID+g] = true
						fmt.Fprintf(out, "reconstruction: %s confirms %s\n", g, d.ID)
					}
				}
			}
			if _, err := f.Disburse(funding.By(demoOwner(d.Commitment)), d); err != nil {
				still = append(still, d)
				continue
			}
			fmt.Fprintf(out, "reconstruction: %s released (%s)\n", d.ID, d.Amount)
		}
		pending = still
	}
}
