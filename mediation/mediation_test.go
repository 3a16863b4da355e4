package mediation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/sqlite"
	"github.com/accord-peace/accord/talks"
)

// fixture is a mediation over a real ledger and SQLite store in a
// temporary directory, with a key for every party of the reference.
type fixture struct {
	t         testing.TB
	dir       string
	keys      map[string]ed25519.PrivateKey
	reg       *ledger.Registry
	led       *ledger.Ledger
	db        *sqlite.DB
	m         *Mediation
	public    string
	positions map[string][]byte
	whole     *accord.Scenario
	seq       int
}

func newFixture(t testing.TB) *fixture {
	f := &fixture{t: t, dir: t.TempDir(), keys: map[string]ed25519.PrivateKey{}, reg: &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}}
	data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		t.Fatal(err)
	}
	if f.whole, err = scenario.Parse("reference", data); err != nil {
		t.Fatal(err)
	}
	pub, pos, err := scenario.Split(f.whole)
	if err != nil {
		t.Fatal(err)
	}
	f.public, f.positions = string(pub), pos
	for _, p := range f.whole.Parties {
		pk, sk, _ := ed25519.GenerateKey(rand.Reader)
		f.keys[p.ID], f.reg.Keys[p.ID] = sk, pk
	}
	f.start()
	return f
}

func (f *fixture) start() {
	ctx := context.Background()
	var err error
	if f.led, err = ledger.OpenLedger(filepath.Join(f.dir, "ledger"), f.reg); err != nil {
		f.t.Fatal(err)
	}
	if f.db, err = sqlite.Open(ctx, filepath.Join(f.dir, "accord.db")); err != nil {
		f.t.Fatal(err)
	}
	key, err := LoadKey(filepath.Join(f.dir, "mediation.key"))
	if err != nil {
		f.t.Fatal(err)
	}
	if f.m, err = Open(ctx, Config{Ledger: f.led, Store: sqlite.NewConfidentialStore(f.db), Key: key}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) restart() {
	f.led.Close()
	f.db.Close()
	f.start()
}

// submit seals and submits content as party.
func (f *fixture) submit(party string, e talks.Event, content []byte) (Result, error) {
	f.seq++
	e.Party, e.Negotiation = party, "ukraine-2025"
	x, err := Seal(func(s ledger.Submission) (ledger.Submission, error) {
		return ledger.Sign(f.keys[party], s.Author, s.ID, s.Type, s.Body)
	}, e, fmt.Sprintf("%s-%d", e.Type, f.seq), content)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.m.Submit(context.Background(), party, x)
}

func (f *fixture) answer(party string, round int) {
	pos := f.whole.Positions[party]
	v, _ := f.m.View("ukraine-2025", party)
	text := v.(talks.PartyView).Rounds[round-1].Text
	a := talks.Respond(f.whole, party, pos, text)
	b, _ := json.Marshal(a)
	if _, err := f.submit(party, talks.Event{Type: talks.TypeAnswer, Round: round}, b); err != nil {
		f.t.Fatal(err)
	}
}

func TestNegotiationOnTheRecord(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.m.OpenNegotiation(ctx, "mediator", Opening{Public: f.public}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"us", "ru", "ua", "eu", "cn-gs"} {
		if _, err := f.submit(p, talks.Event{Type: talks.TypePosition, Version: 1}, f.positions[p]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Proposal: "us-28-points"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"us", "ru", "ua", "eu"} {
		f.answer(p, 1)
	}
	r, err := f.m.Draft(ctx, "mediator", "ukraine-2025", DraftRequest{Method: talks.MethodBridge})
	if err != nil {
		t.Fatal(err)
	}
	if !r.AcceptableToAll || r.Round != 2 {
		t.Fatalf("round %d acceptable %v", r.Round, r.AcceptableToAll)
	}
	for _, p := range []string{"us", "ru", "ua", "eu"} {
		f.answer(p, 2)
	}
	before, _ := f.m.View("ukraine-2025", "mediator")
	mv := before.(talks.MediatorView)
	if mv.Concluded == nil || mv.Concluded.Round != 2 {
		t.Fatalf("not concluded: %+v", mv.Concluded)
	}
	// The package compiles to an agreement draft that parses.
	y, err := f.m.Agreement("ukraine-2025", "ua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreement.Parse("draft.yaml", y); err != nil {
		t.Fatalf("the concluded package's agreement draft does not parse: %v\n%s", err, y)
	}
	// Every veto party signs the draft's SHA-256: the agreement enters
	// into force and its engine starts.
	sha := mv.Agreement.SHA256
	if sha == "" || len(mv.Agreement.Parties) != 4 {
		t.Fatalf("agreement view %+v", mv.Agreement)
	}
	for i, p := range mv.Agreement.Parties {
		f.seq++
		sub, _ := ledger.Sign(f.keys[p], p, fmt.Sprintf("sign-%d", f.seq), talks.TypeSigned,
			talks.Event{Type: talks.TypeSigned, Negotiation: "ukraine-2025", Party: p, Agreement: sha})
		if i == 0 {
			bad, _ := ledger.Sign(f.keys[p], p, "sign-bad", talks.TypeSigned,
				talks.Event{Type: talks.TypeSigned, Negotiation: "ukraine-2025", Party: p, Agreement: strings.Repeat("0", 64)})
			if _, err := f.m.Sign(ctx, p, bad); err == nil || !strings.Contains(err.Error(), "compiles to "+sha) {
				t.Fatalf("signing another agreement: %v", err)
			}
		}
		v, err := f.m.Sign(ctx, p, sub)
		if err != nil {
			t.Fatal(err)
		}
		if in := v.Agreement.InForce != nil; in != (i == len(mv.Agreement.Parties)-1) {
			t.Fatalf("after %d signature(s) in force = %v", i+1, in)
		}
	}
	before, _ = f.m.View("ukraine-2025", "mediator")
	if e := before.(talks.MediatorView).Agreement.Engine; e == nil || e.InForce == nil || len(e.Signed) != 4 {
		t.Fatalf("the agreement engine did not start: %+v", e)
	}
	// The whole history replays to the same state.
	f.restart()
	after, _ := f.m.View("ukraine-2025", "mediator")
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Fatalf("replayed state differs:\n%s\n%s", b1, b2)
	}
	// A revealed position opens its commitment in the record; a changed one
	// does not.
	rev, err := f.m.Position(ctx, "ukraine-2025", "ua", "ua", 1)
	if err != nil {
		t.Fatal(err)
	}
	salt := mustBase64(t, rev.Salt)
	if err := talks.Opens(committed(t, f.led, "ua"), salt, []byte(rev.Content)); err != nil {
		t.Fatalf("the revealed position does not open the record's commitment: %v", err)
	}
	if err := talks.Opens(committed(t, f.led, "ua"), salt, []byte(strings.Replace(rev.Content, "batna: ", "batna: 1", 1))); err == nil {
		t.Fatal("a changed position opens the record's commitment")
	}
	if _, err := f.m.Position(ctx, "ukraine-2025", "ru", "ua", 1); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Fatalf("ru reading ua's position: %v", err)
	}
}

// committed finds a party's first position commitment in the record.
func committed(t *testing.T, l *ledger.Ledger, party string) string {
	for i := int64(0); i < l.Len(); i++ {
		rec, _ := l.Record(i)
		var e ledger.Entry
		json.Unmarshal(rec, &e)
		if e.Type == talks.TypePosition && e.Author == party {
			var ev talks.Event
			json.Unmarshal(e.Body, &ev)
			return ev.Commitment
		}
	}
	t.Fatalf("no position of %s in the record", party)
	return ""
}
