package mission_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// signedMission opens a mission on an agreement that registers the keys of
// ru, us and eu (made when keys lacks them): answers and findings must then
// be signed by their author.
func signedMission(tb testing.TB, dir string, keys map[string]ed25519.PrivateKey) *local.Deployment {
	tb.Helper()
	d, err := openSigned(tb, dir, keys)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func openSigned(tb testing.TB, dir string, keys map[string]ed25519.PrivateKey) (*local.Deployment, error) {
	a, k := mustReference(tb)
	signed := *a
	signed.Keys = map[string]string{}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for _, who := range []string{"ru", "us", "eu"} {
		if keys[who] == nil {
			_, keys[who], _ = ed25519.GenerateKey(rand.Reader)
		}
		pub := keys[who].Public().(ed25519.PublicKey)
		signed.Keys[who] = base64.StdEncoding.EncodeToString(pub)
		reg.Keys[who] = pub
	}
	return local.Open(context.Background(), local.Config{Dir: dir, Agreement: &signed, Kernel: k, Registry: reg})
}

// With the authors' keys registered, the engine acts only on answers and
// findings signed by their author, and the record attributes each: an
// unsigned answer, a forged signature, a replay and an "event" sent for the
// record are refused (the refusals recorded) and change nothing; a restart
// restores the same state from the record.
func TestSignedAnswersAndFindingsFeedTheEngine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys := map[string]ed25519.PrivateKey{}
	d := signedMission(t, dir, keys)
	res, err := d.Mission.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 11, t0), tanks(t, "sat-osce", "osce", 11, t0.Add(time.Hour))}, nil)
	if err != nil || len(res.Incidents) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	vid := res.Incidents[0].ID + ":" + ceilingRule
	sign := func(key ed25519.PrivateKey, author, id, typ string, body any) ledger.Submission {
		s, err := ledger.Sign(key, author, id, typ, body)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	_, forged, _ := ed25519.GenerateKey(rand.Reader)
	dispute := accord.ResponseBody{Consultation: vid, Answer: "dispute", Evidence: "our count: 9 tanks"}
	before := d.Ledger.Len()
	refused := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"unsigned answer", func() error {
			_, err := d.Mission.Respond(ctx, vid, "ru", "dispute", "x", true)
			return err
		}, accord.EUNAUTHORIZED, "must be signed by its party"},
		{"forged signature", func() error {
			_, err := d.Mission.Submit(ctx, sign(forged, "ru", "r1", accord.SubmissionResponse, dispute))
			return err
		}, accord.EINVALID, "does not verify with ru's key"},
		{"answer by another party", func() error {
			_, err := d.Mission.Submit(ctx, sign(keys["us"], "us", "r1", accord.SubmissionResponse, dispute))
			return err
		}, accord.EFORBIDDEN, "went to ru; us may not answer"},
		{"an engine event sent for the record", func() error {
			_, err := d.Mission.Submit(ctx, sign(keys["ru"], "ru", "e1", "event", engine.Event{Type: engine.Finding, Consultation: vid, Outcome: "dismissed"}))
			return err
		}, accord.EINVALID, `type "event"`},
		{"malformed body", func() error {
			_, err := d.Mission.Submit(ctx, sign(keys["ru"], "ru", "r2", accord.SubmissionResponse, map[string]string{"verdict": "no"}))
			return err
		}, accord.EINVALID, `unknown field "verdict"`},
	}
	for _, tt := range refused {
		err := tt.call()
		if accord.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want %s %q", tt.name, err, tt.code, tt.msg)
		}
	}
	if c, _, _ := d.Mission.Consultation(vid); c.Stage != engine.StageNotice {
		t.Fatalf("after refusals the consultation is at %s", c.Stage)
	}
	if got := d.Ledger.Len() - before; got != 4 {
		t.Errorf("%d entries after the refusals, want the 4 refusals of submissions recorded", got)
	}

	r, err := d.Mission.Submit(ctx, sign(keys["ru"], "ru", "r1", accord.SubmissionResponse, dispute))
	if err != nil || r.Consultation.Stage != engine.StageJoint || r.SubmissionEntry == nil {
		t.Fatalf("signed dispute: %+v %v", r, err)
	}
	if _, err := d.Mission.Submit(ctx, sign(keys["ru"], "ru", "r1", accord.SubmissionResponse, dispute)); err == nil || !strings.Contains(err.Error(), "replayed") {
		t.Errorf("replay: %v", err)
	}
	for _, g := range []string{"us", "eu"} {
		if _, err := d.Mission.Submit(ctx, sign(keys[g], g, "f1", accord.SubmissionFinding, accord.FindingBody{Consultation: vid, Outcome: engine.Dismissed, Evidence: "9 tanks"})); err != nil {
			t.Fatal(err)
		}
	}
	// A provision done: signed by the party obliged to it, or refused.
	if _, err := d.Mission.ProvisionDone(ctx, "heavy-weapons-withdrawal", "ru"); accord.ErrorCode(err) != accord.EUNAUTHORIZED {
		t.Errorf("an unsigned provision done: %v", err)
	}
	done := accord.ProvisionBody{Provision: "heavy-weapons-withdrawal"}
	if _, err := d.Mission.SubmitProvision(ctx, sign(keys["us"], "us", "p1", accord.SubmissionProvision, done)); err == nil || !strings.Contains(err.Error(), "refusal recorded") {
		t.Errorf("a provision done by a party not obliged to it: %v", err)
	}
	p, err := d.Mission.SubmitProvision(ctx, sign(keys["ru"], "ru", "p1", accord.SubmissionProvision, done))
	if err != nil || p.Provision.Status != "done" {
		t.Fatalf("a signed provision done: %+v %v", p, err)
	}
	if _, err := d.Mission.Submit(ctx, sign(keys["ru"], "ru", "p2", accord.SubmissionProvision, done)); err == nil {
		t.Error("a provision_done through Submit")
	}
	want, _ := d.Mission.State()
	if c, _, _ := d.Mission.Consultation(vid); c.Outcome != engine.Dismissed {
		t.Fatalf("consultation %+v, want dismissed", c)
	}
	d.Close()

	d = signedMission(t, dir, keys)
	got, _ := d.Mission.State()
	if got.Hash() != want.Hash() {
		t.Errorf("after a restart the state differs")
	}
	// A response event the mission did not derive from a signed answer —
	// written into the record by hand — stops the restore, named.
	if _, err := d.Ledger.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: accord.EntryEvent,
		Body: []byte(`{"seq":99,"at":"2025-06-02T00:00:00Z","type":"response","consultation":"x","party":"ua","answer":"accept"}`)}}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := openSigned(t, dir, keys); err == nil || !strings.Contains(err.Error(), "ua's accept to the notice of x rests on no response ua signed") {
		t.Errorf("forged event: %v", err)
	}
}

// History reads what the server restores from: a response or a finding
// signature without its author's signed submission is an error when keys
// are registered, and taken on the server's word when none are.
func TestHistoryAttributesEveryAnswer(t *testing.T) {
	resp := ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: []byte(`{"seq":1,"at":"2025-06-02T00:00:00Z","type":"response","consultation":"v1","party":"ru","answer":"dispute","evidence":"logs"}`)}
	sig := ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryFindingSignature, Body: []byte(`{"consultation":"v1","guarantor":"us","outcome":"upheld","at":"2025-06-03T00:00:00Z"}`)}
	finding := ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: []byte(`{"seq":2,"at":"2025-06-03T00:00:00Z","type":"finding","consultation":"v1","outcome":"upheld","signed_by":["eu","us"]}`)}
	signedResp := ledger.Entry{Kind: ledger.KindSubmission, Author: "ru", ID: "a", Type: accord.SubmissionResponse, Body: []byte(`{"consultation":"v1","answer":"dispute","evidence":"logs"}`)}
	signedOther := ledger.Entry{Kind: ledger.KindSubmission, Author: "ru", ID: "b", Type: accord.SubmissionResponse, Body: []byte(`{"consultation":"v1","answer":"accept"}`)}
	signedUS := ledger.Entry{Kind: ledger.KindSubmission, Author: "us", ID: "c", Type: accord.SubmissionFinding, Body: []byte(`{"consultation":"v1","outcome":"upheld"}`)}
	event := ledger.Entry{Kind: ledger.KindSubmission, Author: "ru", ID: "d", Type: "event", Body: []byte(`{"seq":1,"type":"snapback"}`)}
	provision := ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: []byte(`{"seq":3,"at":"2025-06-04T00:00:00Z","type":"provision_done","party":"ru","provision":"withdrawal"}`)}
	signedProvision := ledger.Entry{Kind: ledger.KindSubmission, Author: "ru", ID: "e", Type: accord.SubmissionProvision, Body: []byte(`{"provision":"withdrawal"}`)}
	tests := []struct {
		name    string
		signed  bool
		entries []ledger.Entry
		events  int
		err     string
	}{
		{"signed answer", true, []ledger.Entry{signedResp, resp}, 1, ""},
		{"unsigned answer, keys registered", true, []ledger.Entry{resp}, 0, "entry 0: ru's dispute to the notice of v1 rests on no response ru signed"},
		{"answer signed saying something else", true, []ledger.Entry{signedOther, resp}, 0, "rests on no response"},
		{"answer signed after it acted", true, []ledger.Entry{resp, signedResp}, 0, "rests on no response"},
		{"no keys registered", false, []ledger.Entry{resp}, 1, ""},
		{"finding signature unsigned", true, []ledger.Entry{sig}, 0, "us's signature of the finding of v1 (upheld) rests on no finding us signed"},
		{"finding naming a signer with no signature", true, []ledger.Entry{signedUS, sig, finding}, 0, "names eu among its signers"},
		{"an event submission feeds nothing", true, []ledger.Entry{event}, 0, ""},
		{"a provision done unsigned, keys registered", true, []ledger.Entry{provision}, 0, "provision withdrawal recorded done by ru rests on no provision_done ru signed"},
		{"a provision done signed", true, []ledger.Entry{signedProvision, provision}, 1, ""},
	}
	for _, tt := range tests {
		h := mission.NewHistory(tt.signed)
		var err error
		for i := range tt.entries {
			if err = h.Add(int64(i), &tt.entries[i]); err != nil {
				break
			}
		}
		if tt.err == "" && (err != nil || len(h.Events) != tt.events) {
			t.Errorf("%s: %v, %d events, want %d", tt.name, err, len(h.Events), tt.events)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}
