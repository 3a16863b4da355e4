package mission_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
)

// openExchange opens a mission on the reference agreement with the ICRC as
// its verifier and the keys of ru and icrc registered.
func openExchange(tb testing.TB, dir string, keys map[string]ed25519.PrivateKey) *local.Deployment {
	tb.Helper()
	a, k := mustReference(tb)
	x := *a
	x.Roles = append(slices.Clone(a.Roles), agreement.Role{Actor: "icrc", Role: agreement.RoleVerifier})
	x.Keys = map[string]string{}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for _, who := range []string{"ru", "icrc"} {
		if keys[who] == nil {
			_, keys[who], _ = ed25519.GenerateKey(rand.Reader)
		}
		pub := keys[who].Public().(ed25519.PublicKey)
		x.Keys[who] = base64.StdEncoding.EncodeToString(pub)
		reg.Keys[who] = pub
	}
	d, err := local.Open(context.Background(), local.Config{Dir: dir, Agreement: &x, Kernel: k, Registry: reg})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func named(names ...string) []json.RawMessage {
	var out []json.RawMessage
	for _, n := range names {
		b, _ := json.Marshal(map[string]string{"name": n, "born": "1990"})
		out = append(out, b)
	}
	return out
}

// An exchange signed by the verifier, with its sealed lists, feeds the
// engine; the public record holds its counts, the signature and the
// commitments, never a name; the lists are read by the parties and the
// verifier alone; refusals are recorded and change nothing; a restart
// restores the exchange from the record, attributed to the verifier.
func TestSignedExchange(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys := map[string]ed25519.PrivateKey{}
	d := openExchange(t, dir, keys)
	if _, err := d.Mission.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 2, t0)}, nil); err != nil {
		t.Fatal(err)
	}
	body, lists, err := accord.SealExchangeLists("x1", map[string][]json.RawMessage{"ru": named("Ivanenko Petro", "Shevchuk Oksana", "Bondar Taras"), "ua": named("Sidorov Ivan", "Petrov Oleg")})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(author, id, typ string, body any) ledger.Submission {
		s, err := ledger.Sign(keys[author], author, id, typ, body)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tampered := slices.Clone(lists)
	tampered[0].Content = bytes.Replace(tampered[0].Content, []byte("Bondar"), []byte("Bondarenko"), 1)
	before := d.Ledger.Len()
	refused := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"unsigned", func() error { _, err := d.Mission.Exchange(ctx, body, "icrc", lists); return err }, accord.EUNAUTHORIZED, "must be signed by its verifier"},
		{"signed by a party", func() error {
			_, err := d.Mission.SubmitExchange(ctx, sign("ru", "e1", accord.SubmissionExchange, body), lists)
			return err
		}, accord.EINVALID, `exchange x1 is signed by "ru", not a verifier ([icrc])`},
		{"a list changed", func() error {
			_, err := d.Mission.SubmitExchange(ctx, sign("icrc", "e1", accord.SubmissionExchange, body), tampered)
			return err
		}, accord.EINVALID, "ru's list: the content of seal"},
		{"the lists kept back", func() error {
			_, err := d.Mission.SubmitExchange(ctx, sign("icrc", "e2", accord.SubmissionExchange, body), nil)
			return err
		}, accord.EINVALID, "0 lists sent for 2 commitments"},
		{"a negative count", func() error {
			b := body
			b.Counts = map[string]int{"ru": 3, "ua": -2}
			_, err := d.Mission.SubmitExchange(ctx, sign("icrc", "e3", accord.SubmissionExchange, b), lists)
			return err
		}, accord.EINVALID, "ua released -2 persons"},
		{"through Submit", func() error {
			_, err := d.Mission.Submit(ctx, sign("icrc", "e4", accord.SubmissionExchange, body))
			return err
		}, accord.EINVALID, "travels with its sealed lists: SubmitExchange"},
	}
	for _, tt := range refused {
		err := tt.call()
		if accord.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want %s %q", tt.name, err, tt.code, tt.msg)
		}
	}
	if got := d.Ledger.Len() - before; got != 5 {
		t.Errorf("%d entries after the refusals, want the 5 refusals of submissions recorded", got)
	}
	if s, _ := d.Mission.State(); len(s.Exchanges) != 0 {
		t.Fatalf("a refused exchange recorded: %+v", s.Exchanges)
	}

	res, err := d.Mission.SubmitExchange(ctx, sign("icrc", "e1", accord.SubmissionExchange, body), lists)
	if err != nil || res.Exchange.ID != "x1" || res.Exchange.Counts["ru"] != 3 || res.Exchange.Verifiers[0] != "icrc" || res.LastEntry == nil {
		t.Fatalf("signed exchange: %+v %v", res, err)
	}
	if _, err := d.Mission.SubmitExchange(ctx, sign("icrc", "e1", accord.SubmissionExchange, body), lists); err == nil || !strings.Contains(err.Error(), "replayed") {
		t.Errorf("replay: %v", err)
	}
	// The public record: no name in any entry, the commitments in the
	// signed body.
	var commitments int
	for i := int64(0); i < d.Ledger.Len(); i++ {
		rec, err := d.Ledger.Record(i)
		if err != nil {
			t.Fatal(err)
		}
		// The lists' field "born" (its value, 1990, may appear by chance
		// in a hash's hex or a signature's base64: the key cannot).
		for _, name := range []string{"Ivanenko", "Sidorov", `"born"`} {
			if bytes.Contains(rec, []byte(name)) {
				t.Errorf("entry %d reveals %s: %s", i, name, rec)
			}
		}
		if bytes.Contains(rec, []byte(body.Lists["ru"])) {
			commitments++
		}
	}
	if commitments < 2 { // the signed body and the engine's event
		t.Errorf("the commitment to ru's list is in %d entries", commitments)
	}
	// The lists: to the parties and the verifier, checked against the
	// commitments; not to a guarantor; not through Sealed.
	for _, reader := range []string{"ua", "ru", "icrc"} {
		x, err := d.Mission.ExchangeList(ctx, body.Lists["ua"], reader)
		if err != nil || x.Check() != nil || !bytes.Contains(x.Content, []byte("Sidorov Ivan")) {
			t.Errorf("%s reads ua's list: %v", reader, err)
		}
	}
	if _, err := d.Mission.ExchangeList(ctx, body.Lists["ua"], "us"); accord.ErrorCode(err) != accord.EFORBIDDEN {
		t.Errorf("a guarantor reads a list: %v", err)
	}
	if x, _, err := d.Mission.Sealed(ctx, body.Lists["ua"]); err == nil {
		t.Errorf("a list served as a consultation's sealed content: %s", x.Content)
	}
	want, _ := d.Mission.State()
	d.Close()

	d = openExchange(t, dir, keys)
	defer d.Close()
	got, _ := d.Mission.State()
	if got.Hash() != want.Hash() || len(got.Exchanges) != 1 || got.Exchanged["ua"] != 2 {
		t.Errorf("after a restart: %+v", got.Exchanges)
	}
}

// History: an exchange event rests on its verifier's signed exchange with
// the same counts and lists when keys are registered.
func TestHistoryAttributesExchanges(t *testing.T) {
	h := strings.Repeat("ab", 32)
	ev := ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: []byte(`{"seq":3,"at":"2025-06-04T00:00:00Z","type":"exchange","id":"x1","signed_by":["icrc"],"counts":{"ru":3},"lists":{"ru":"` + h + `"}}`)}
	signed := ledger.Entry{Kind: ledger.KindSubmission, Author: "icrc", ID: "a", Type: accord.SubmissionExchange, Body: []byte(`{"exchange":"x1","counts":{"ru":3},"lists":{"ru":"` + h + `"}}`)}
	other := ledger.Entry{Kind: ledger.KindSubmission, Author: "icrc", ID: "b", Type: accord.SubmissionExchange, Body: []byte(`{"exchange":"x1","counts":{"ru":4},"lists":{"ru":"` + h + `"}}`)}
	byRU := ledger.Entry{Kind: ledger.KindSubmission, Author: "ru", ID: "c", Type: accord.SubmissionExchange, Body: signed.Body}
	tests := []struct {
		name    string
		signed  bool
		entries []ledger.Entry
		err     string
	}{
		{"signed by the verifier", true, []ledger.Entry{signed, ev}, ""},
		{"unsigned", true, []ledger.Entry{ev}, "entry 0: exchange x1 names icrc as its verifier, but rests on no exchange icrc signed"},
		{"signed with other counts", true, []ledger.Entry{other, ev}, "rests on no exchange icrc signed"},
		{"signed by someone else", true, []ledger.Entry{byRU, ev}, "rests on no exchange icrc signed"},
		{"no keys registered", false, []ledger.Entry{ev}, ""},
	}
	for _, tt := range tests {
		hist := mission.NewHistory(tt.signed)
		var err error
		for i := range tt.entries {
			if err = hist.Add(int64(i), &tt.entries[i]); err != nil {
				break
			}
		}
		if tt.err == "" && (err != nil || len(hist.Events) != 1) {
			t.Errorf("%s: %v, %d events", tt.name, err, len(hist.Events))
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
		}
	}
}
