package reconstruction

import "testing"

// No money goes to a cancelled project: a disbursement, or a guarantor's
// confirmation of one, of a commitment to a project cancelled since is
// refused, naming the project and when it was cancelled, and the refusal
// recorded; the registry keeps the disbursements made before, its money
// unchanged. A project made active again is paid again. The log replays
// to the same registry.
func TestCancelledProjectIsNotPaid(t *testing.T) {
	r := sample(t) // d1: 200.00 USD of c1 (kharkiv-grid), paid on day 3
	if _, err := r.Submit(Event{At: day(4), Type: CommitmentEv, Commitment: &Commitment{ID: "c3", Fund: "eu-era", Project: "kharkiv-grid", Amount: usd(50), ConfirmBy: []string{"eu"}}}); err != nil {
		t.Fatal(err)
	}
	grid, _ := r.Project("kharkiv-grid")
	cancelled := grid
	cancelled.Status = Cancelled
	if _, err := r.Submit(Event{At: day(4), Type: ProjectEv, Project: &cancelled}); err != nil {
		t.Fatal(err)
	}
	const why = "project kharkiv-grid was cancelled on 2026-03-05T09:00:00Z: no money is paid to a cancelled project"
	ok := stub{holds: true, seq: 9}
	for _, c := range []struct {
		name string
		send func() (Event, error)
		want string
	}{
		{"disbursement", func() (Event, error) {
			return r.Disburse(Disbursement{ID: "d2", Commitment: "c1", Amount: usd(100), At: day(5)}, day(5), ok)
		}, `disbursement "d2" refused: ` + why},
		{"confirmation", func() (Event, error) {
			return r.Confirm(Confirmation{ID: "k1", Commitment: "c3", Disbursement: "d4", Amount: usd(20), Guarantor: "eu"}, day(5), ok)
		}, `confirmation "k1" refused: ` + why},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(r.Refusals)
			disbursed, undisbursed := r.Disbursements, r.Undisbursed("c1")
			ev, err := c.send()
			if err == nil || err.Error() != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
			if ev.Type != RefusalEv || len(r.Refusals) != before+1 || r.Refusals[before].Project != "kharkiv-grid" {
				t.Errorf("recorded %+v, want the refusal, about kharkiv-grid", ev)
			}
			if len(r.Disbursements) != len(disbursed) || r.Disbursements[0].ID != "d1" || r.Undisbursed("c1") != undisbursed || len(r.Confirmations) != 0 {
				t.Errorf("the registry changed: disbursements %+v, confirmations %+v", r.Disbursements, r.Confirmations)
			}
		})
	}

	// Made active again, it is paid again.
	active := grid
	active.Status = Active
	if _, err := r.Submit(Event{At: day(6), Type: ProjectEv, Project: &active}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Disburse(Disbursement{ID: "d3", Commitment: "c1", Amount: usd(100), At: day(6)}, day(6), ok); err != nil {
		t.Errorf("active again: %v", err)
	}
	again, err := Replay(r.Log)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JSON()) != string(r.JSON()) {
		t.Error("the log replays to another registry")
	}
}
