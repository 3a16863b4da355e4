package reconstruction

import (
	"strings"
	"testing"
)

// A commitment that names guarantors in confirm_by releases a
// disbursement only once each has confirmed its id and amount; the
// confirmation is an event of the log, and every refusal is recorded.
func TestGuarantorConfirms(t *testing.T) {
	r := sample(t)
	if _, err := r.Submit(Event{At: day(4), Type: FundEv, Fund: &Fund{ID: "us-dfc", Source: Pledge, Owner: "us", Amount: usd(100)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Submit(Event{At: day(4), Type: CommitmentEv, Commitment: &Commitment{ID: "c3", Fund: "us-dfc", Project: "kharkiv-grid", Amount: usd(50), ConfirmBy: []string{"eu", "eu"}}}); err == nil || !strings.Contains(err.Error(), "confirm_by names eu twice") {
		t.Fatalf("confirm_by twice: %v", err)
	}
	c3 := Commitment{ID: "c3", Fund: "us-dfc", Project: "kharkiv-grid", Amount: usd(50), ConfirmBy: []string{"eu"}}
	if ev, err := r.CheckGuarantors(Commitment{ID: "c4", Fund: "us-dfc", Project: "kharkiv-grid", Amount: usd(1), ConfirmBy: []string{"ru"}}, day(4), stub{}); err == nil || ev.Type != RefusalEv || !strings.Contains(err.Error(), "confirm_by names ru, not a guarantor of the agreement") {
		t.Fatalf("a non-guarantor in confirm_by: %v %+v", err, ev)
	}
	if ev, err := r.CheckGuarantors(c3, day(4), stub{}); err != nil || ev.Seq != 0 {
		t.Fatalf("eu is a guarantor: %v", err)
	}
	if _, err := r.Submit(Event{At: day(4), Type: CommitmentEv, Commitment: &c3}); err != nil {
		t.Fatal(err)
	}
	ok := stub{holds: true, seq: 9}
	d := Disbursement{ID: "d3", Commitment: "c3", Amount: usd(20), At: day(5)}
	refusals := len(r.Refusals)
	if ev, err := r.Disburse(d, day(5), ok); err == nil || ev.Type != RefusalEv || !strings.Contains(err.Error(), "awaits guarantor eu's confirmation of 20.00 USD") {
		t.Fatalf("unconfirmed: %v", err)
	}
	for _, bad := range []struct {
		x    Confirmation
		want string
	}{
		{Confirmation{ID: "k0", Commitment: "c3", Disbursement: "d3", Amount: usd(20), Guarantor: "ru"}, "ru is not a guarantor of the agreement"},
		{Confirmation{ID: "k0", Commitment: "c3", Disbursement: "d3", Amount: usd(20), Guarantor: "us"}, "us is not among commitment c3's confirm_by [eu]"},
		{Confirmation{ID: "k0", Commitment: "c2", Disbursement: "d3", Amount: usd(20), Guarantor: "eu"}, "commitment c2 needs no confirmation"},
		{Confirmation{ID: "k0", Commitment: "c3", Disbursement: "d1", Amount: usd(20), Guarantor: "eu"}, "disbursement d1 is already made"},
		{Confirmation{ID: "k0", Commitment: "c3", Disbursement: "d3", Amount: usd(60), Guarantor: "eu"}, "exceeds commitment c3's undisbursed 50.00 USD"},
		{Confirmation{ID: "k0", Commitment: "zz", Disbursement: "d3", Amount: usd(20), Guarantor: "eu"}, `unknown commitment "zz"`},
	} {
		if ev, err := r.Confirm(bad.x, day(5), ok); err == nil || ev.Type != RefusalEv || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want a recorded refusal saying %q", bad.x, err, bad.want)
		}
	}
	ev, err := r.Confirm(Confirmation{ID: "k1", Commitment: "c3", Disbursement: "d3", Amount: usd(20), Guarantor: "eu"}, day(5), ok)
	if err != nil || ev.Type != ConfirmationEv || ev.Confirmation.AgreementSeq != 9 {
		t.Fatalf("confirmation: %v %+v", err, ev)
	}
	if _, err := r.Confirm(Confirmation{ID: "k2", Commitment: "c3", Disbursement: "d3", Amount: usd(20), Guarantor: "eu"}, day(5), ok); err == nil || !strings.Contains(err.Error(), "eu already confirmed disbursement d3") {
		t.Errorf("twice: %v", err)
	}
	// Another amount than the one confirmed is not confirmed.
	if _, err := r.Disburse(Disbursement{ID: "d3", Commitment: "c3", Amount: usd(21), At: day(5)}, day(5), ok); err == nil || !strings.Contains(err.Error(), "awaits guarantor eu's confirmation of 21.00 USD") {
		t.Errorf("another amount: %v", err)
	}
	// The confirmation does not lift snapback nor the condition.
	if _, err := r.Disburse(d, day(5), stub{holds: true, snapback: true}); err == nil || !strings.Contains(err.Error(), "snapback") {
		t.Errorf("snapback: %v", err)
	}
	if _, err := r.Disburse(d, day(5), stub{holds: true}); err != nil {
		t.Fatalf("confirmed: %v", err)
	}
	if got := len(r.Refusals) - refusals; got != 10 {
		t.Errorf("%d refusals recorded, want 10", got)
	}
	again, err := Replay(r.Log)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JSON()) != string(r.JSON()) || len(again.Confirmations) != 1 {
		t.Error("replay differs")
	}
}
