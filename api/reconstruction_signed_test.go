package api_test

import (
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/reconstruction"
)

// agreementStub is the agreement's state for the registry: its condition
// holds, no snapback, eu and us its guarantors.
type agreementStub struct{}

func (agreementStub) Holds(string) (bool, error) { return true, nil }
func (agreementStub) Snapback() bool             { return false }
func (agreementStub) Seq() int                   { return 3 }
func (agreementStub) Guarantor(a string) bool    { return a == "eu" || a == "us" }

// signedRegistry is a server whose agreement registers the keys of eu,
// us, ru, gb and un (not pl's), so that every registry write must be
// signed; its guarantors are eu and us (gb and pl hold guarantor tokens
// but are not guarantors of the agreement).
func signedRegistry(t *testing.T) (*httptest.Server, *ledger.Ledger, map[string]ed25519.PrivateKey) {
	t.Helper()
	keys := map[string]ed25519.PrivateKey{}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for _, a := range []string{"eu", "us", "ru", "gb", "un", "pl"} {
		pub, priv, _ := ed25519.GenerateKey(nil)
		keys[a] = priv
		if a != "pl" {
			reg.Keys[a] = pub
		}
	}
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	clock := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	if s.Funding, err = funding.Open(t.Context(), funding.Config{Ledger: l, Signatures: l, RequireSigned: true,
		Now:       func() time.Time { return clock },
		Agreement: func() (reconstruction.Agreement, error) { return agreementStub{}, nil }}); err != nil {
		t.Fatal(err)
	}
	s.Auth = &api.Auth{Tokens: map[string]api.Principal{
		"t-eu-0123456789abcdef": {Actor: "eu", Role: accord.RoleGuarantor}, "t-us-0123456789abcdef": {Actor: "us", Role: accord.RoleGuarantor},
		"t-gb-0123456789abcdef": {Actor: "gb", Role: accord.RoleGuarantor}, "t-ru-0123456789abcdef": {Actor: "ru", Role: accord.RoleParty},
		"t-un-0123456789abcdef": {Actor: "un", Role: accord.RoleMediator}, "t-pl-0123456789abcdef": {Actor: "pl", Role: accord.RoleGuarantor},
	}}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, l, keys
}

// postRec sends body to a registry route with a token and, when key is set,
// signed as author with submission id id (sig overrides the signature).
func postRec(t *testing.T, url, route, token, body string, author string, key ed25519.PrivateKey, id, typ string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/v1/reconstruction/"+route, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != nil {
		sub, err := ledger.Sign(key, author, id, typ, json.RawMessage(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(api.HeaderAuthor, author)
		req.Header.Set(api.HeaderID, id)
		req.Header.Set(api.HeaderSignature, sub.Sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e api.ErrorBody
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return resp.StatusCode, e.Message
	}
	return resp.StatusCode, string(b)
}

// With keys registered, every fund, commitment, disbursement and
// confirmation must be signed by its author: unsigned is 401, signed by
// another or wrongly is 403, a replay 400 — each with a precise error and
// nothing recorded. Signed, the submission is recorded just before the
// registry's event.
func TestReconstructionSignedSubmissions(t *testing.T) {
	srv, l, keys := signedRegistry(t)
	const eu, us, pl = "t-eu-0123456789abcdef", "t-us-0123456789abcdef", "t-pl-0123456789abcdef"
	const fund = `{"id":"eu-era","source":"loan","amount":{"amount":100000,"currency":"EUR"}}`
	n := l.Len()
	for _, c := range []struct {
		name, token, author string
		key                 ed25519.PrivateKey
		id, typ, body       string
		code                int
		want                string
	}{
		{"unsigned", eu, "", nil, "", "", fund, 401, "a fund must be a submission signed by its author"},
		{"signed as another", eu, "us", keys["us"], "s1", funding.SubmissionFund, fund, 403, `eu may not send a submission signed as "us"`},
		{"signed with another's key", eu, "eu", keys["us"], "s1", funding.SubmissionFund, fund, 403, "the signature does not verify with eu's key"},
		{"no key registered", pl, "pl", keys["pl"], "s1", funding.SubmissionFund, strings.Replace(fund, "eu-era", "pl", 1), 403, `"pl" has no key registered in the agreement`},
		{"signed as another type", eu, "eu", keys["eu"], "s1", funding.SubmissionCommitment, fund, 403, "the signature does not verify with eu's key"},
	} {
		code, body := postRec(t, srv.URL, "funds", c.token, c.body, c.author, c.key, c.id, c.typ)
		if code != c.code || !strings.Contains(body, c.want) || !strings.Contains(body, "nothing recorded") {
			t.Errorf("%s: %d %s, want %d %q", c.name, code, body, c.code, c.want)
		}
	}
	// A signature over other bytes than those sent.
	req, _ := http.NewRequest("POST", srv.URL+"/v1/reconstruction/funds", strings.NewReader(fund))
	sub, _ := ledger.Sign(keys["eu"], "eu", "s1", funding.SubmissionFund, json.RawMessage(strings.Replace(fund, "100000", "900000", 1)))
	req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + eu},
		api.HeaderAuthor: {"eu"}, api.HeaderID: {"s1"}, api.HeaderSignature: {sub.Sig}}
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("a signature of another body: %v %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequest("POST", srv.URL+"/v1/reconstruction/funds", strings.NewReader(fund))
	req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + eu}, api.HeaderAuthor: {"eu"}}
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("headers in part: %v %v", resp.StatusCode, err)
	}
	if l.Len() != n {
		t.Fatalf("refused submissions recorded %d entries", l.Len()-n)
	}
	// Signed: the submission, then the event.
	code, body := postRec(t, srv.URL, "funds", eu, fund, "eu", keys["eu"], "s1", funding.SubmissionFund)
	var res funding.Result
	if code != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Submission == nil || *res.Submission != res.Entry-1 {
		t.Fatalf("signed fund: %d %s", code, body)
	}
	rec, _ := l.Record(*res.Submission)
	var e ledger.Entry
	json.Unmarshal(rec, &e)
	if e.Kind != ledger.KindSubmission || e.Author != "eu" || e.Type != funding.SubmissionFund || string(e.Body) != fund {
		t.Fatalf("the submission recorded: %s", rec)
	}
	n = l.Len()
	if code, body := postRec(t, srv.URL, "funds", eu, strings.Replace(fund, "eu-era", "eu-2", 1), "eu", keys["eu"], "s1", funding.SubmissionFund); code != 400 || !strings.Contains(body, "replayed submission: eu already sent") {
		t.Errorf("a replayed id: %d %s", code, body)
	}
	if l.Len() != n {
		t.Fatal("a replay was recorded")
	}
	// The mediator's projects need no signature.
	if code, body := postRec(t, srv.URL, "projects", "t-un-0123456789abcdef", `{"id":"p","sector":"energy","oblast":"kharkivska","cost":{"amount":100000,"currency":"EUR"},"implementer":"ukrenergo"}`, "", nil, "", ""); code != 201 {
		t.Fatalf("project: %d %s", code, body)
	}
	// A commitment, a disbursement and a confirmation unsigned: 401 each.
	for _, c := range []struct{ route, token, body string }{
		{"commitments", eu, `{"id":"c1","fund":"eu-era","project":"p","amount":{"amount":50000,"currency":"EUR"},"confirm_by":["us"]}`},
		{"disbursements", eu, `{"id":"d1","commitment":"c1","amount":{"amount":100,"currency":"EUR"}}`},
		{"confirmations", us, `{"id":"k1","commitment":"c1","disbursement":"d1","amount":{"amount":100,"currency":"EUR"}}`},
	} {
		if code, body := postRec(t, srv.URL, c.route, c.token, c.body, "", nil, "", ""); code != 401 || !strings.Contains(body, "must be a submission signed by its author") {
			t.Errorf("%s unsigned: %d %s", c.route, code, body)
		}
	}
	if l.Len() != n+1 {
		t.Fatalf("unsigned writes recorded %d entries", l.Len()-n-1)
	}
}

// Roles, on every route: a funder registers, commits and disburses its
// own money only; only a guarantor of the agreement whom the commitment
// names confirms its disbursements, and a disbursement that needs a
// confirmation is refused (the refusal recorded) until it has it. Each
// refusal of a role is 403 and records nothing.
func TestReconstructionRoles(t *testing.T) {
	srv, l, keys := signedRegistry(t)
	const eu, us, gb, ru, un = "t-eu-0123456789abcdef", "t-us-0123456789abcdef", "t-gb-0123456789abcdef", "t-ru-0123456789abcdef", "t-un-0123456789abcdef"
	seq := 0
	send := func(route, token, actor, typ, body string) (int, string) {
		t.Helper()
		seq++
		var key ed25519.PrivateKey
		if actor != "" {
			key = keys[actor]
		}
		return postRec(t, srv.URL, route, token, body, actor, key, "sub-"+string(rune('a'+seq)), typ)
	}
	must := func(code int, body string) {
		t.Helper()
		if code != 201 {
			t.Fatalf("%d %s", code, body)
		}
	}
	must(send("funds", eu, "eu", funding.SubmissionFund, `{"id":"eu-era","source":"loan","amount":{"amount":100000,"currency":"EUR"}}`))
	must(send("projects", un, "", "", `{"id":"p","sector":"energy","oblast":"kharkivska","cost":{"amount":100000,"currency":"EUR"},"implementer":"ukrenergo"}`))
	n := l.Len()
	for _, c := range []struct {
		name, route, token, actor, typ, body string
		code                                 int
		want                                 string
	}{
		{"a fund of another's money", "funds", us, "us", funding.SubmissionFund, `{"id":"x","source":"pledge","owner":"eu","amount":{"amount":1,"currency":"EUR"}}`, 403, `us may not register a fund owned by "eu"`},
		{"a mediator's fund", "funds", un, "un", funding.SubmissionFund, `{"id":"x","source":"pledge","amount":{"amount":1,"currency":"EUR"}}`, 403, "the mediator role may not fund"},
		{"a guarantor's project", "projects", eu, "", "", `{"id":"q","sector":"energy","oblast":"odeska","cost":{"amount":1,"currency":"EUR"},"implementer":"x"}`, 403, "the guarantor role may not register_project"},
		{"a commitment of another's fund", "commitments", us, "us", funding.SubmissionCommitment, `{"id":"c0","fund":"eu-era","project":"p","amount":{"amount":1,"currency":"EUR"}}`, 403, "us may not commit fund eu-era, owned by eu"},
	} {
		if code, body := send(c.route, c.token, c.actor, c.typ, c.body); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d %q", c.name, code, body, c.code, c.want)
		}
	}
	if l.Len() != n {
		t.Fatalf("refusals of roles recorded %d entries", l.Len()-n)
	}
	// confirm_by must name guarantors of the agreement: a rule, recorded.
	if code, body := send("commitments", eu, "eu", funding.SubmissionCommitment, `{"id":"c1","fund":"eu-era","project":"p","amount":{"amount":50000,"currency":"EUR"},"confirm_by":["ru"]}`); code != 400 || !strings.Contains(body, "confirm_by names ru, not a guarantor of the agreement") || !strings.Contains(body, "refusal is recorded") {
		t.Fatalf("confirm_by a party: %d %s", code, body)
	}
	must(send("commitments", eu, "eu", funding.SubmissionCommitment, `{"id":"c1","fund":"eu-era","project":"p","amount":{"amount":50000,"currency":"EUR"},"confirm_by":["us"]}`))
	const d1 = `{"id":"d1","commitment":"c1","amount":{"amount":20000,"currency":"EUR"}}`
	const k1 = `{"id":"k1","commitment":"c1","disbursement":"d1","amount":{"amount":20000,"currency":"EUR"}}`
	n = l.Len()
	for _, c := range []struct {
		name, route, token, actor, typ, body string
		want                                 string
	}{
		{"another's disbursement", "disbursements", us, "us", funding.SubmissionDisbursement, d1, "us may not disburse commitment c1 of fund eu-era, owned by eu"},
		{"a party's confirmation", "confirmations", ru, "ru", funding.SubmissionConfirmation, k1, "the party role may not sign_finding"},
		{"a confirmation by no guarantor of the agreement", "confirmations", gb, "gb", funding.SubmissionConfirmation, k1, "gb is not a guarantor of the agreement"},
		{"a confirmation by a guarantor the commitment does not name", "confirmations", eu, "eu", funding.SubmissionConfirmation, k1, "eu may not confirm disbursements of commitment c1: its confirm_by names [us]"},
	} {
		if code, body := send(c.route, c.token, c.actor, c.typ, c.body); code != 403 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want 403 %q", c.name, code, body, c.want)
		}
	}
	if l.Len() != n {
		t.Fatalf("refusals of roles recorded %d entries", l.Len()-n)
	}
	// Not yet confirmed: refused, the refusal recorded.
	if code, body := send("disbursements", eu, "eu", funding.SubmissionDisbursement, d1); code != 400 || !strings.Contains(body, "awaits guarantor us's confirmation of 200.00 EUR") || !strings.Contains(body, "refusal is recorded") {
		t.Fatalf("unconfirmed: %d %s", code, body)
	}
	code, body := send("confirmations", us, "us", funding.SubmissionConfirmation, k1)
	var res funding.Result
	if code != 201 || json.Unmarshal([]byte(body), &res) != nil || res.Event.Type != reconstruction.ConfirmationEv || res.Event.Confirmation.Guarantor != "us" || res.Event.Confirmation.AgreementSeq != 3 {
		t.Fatalf("confirmation: %d %s", code, body)
	}
	rec, _ := l.Record(res.Entry)
	if !strings.Contains(string(rec), `"type":"reconstruction_confirmation"`) {
		t.Fatalf("the confirmation's entry: %s", rec)
	}
	must(send("disbursements", eu, "eu", funding.SubmissionDisbursement, d1))
	var tot reconstruction.Totals
	resp, err := http.Get(srv.URL + "/v1/reconstruction")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&tot)
	resp.Body.Close()
	if tot.Funds[0].Disbursed != 20000 || tot.Refusals != 2 {
		t.Fatalf("totals %+v", tot)
	}
}
