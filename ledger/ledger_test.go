package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// keys are the test's authors.
type keys struct {
	priv map[string]ed25519.PrivateKey
	reg  *ledger.Registry
}

func newKeys(t testing.TB, names ...string) *keys {
	t.Helper()
	k := &keys{priv: map[string]ed25519.PrivateKey{}, reg: &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}}
	for _, n := range names {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k.priv[n], k.reg.Keys[n] = priv, pub
	}
	return k
}

func (k *keys) sub(t testing.TB, author, id, typ string, body any) ledger.Submission {
	t.Helper()
	s, err := ledger.Sign(k.priv[author], author, id, typ, body)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func logSigner(t testing.TB, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestSubmitRefusesAndRecords(t *testing.T) {
	k := newKeys(t, "ru", "ua", "mission")
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Submit(k.sub(t, "mission", "b1", "observations", map[string]int{"n": 3})); err != nil {
		t.Fatal(err)
	}
	forged := k.sub(t, "ua", "r1", "response", map[string]string{"answer": "dispute"})
	forged.Author = "ru" // signed by ua, claimed by ru
	cases := []struct {
		s    ledger.Submission
		want string
	}{
		{forged, "the signature does not verify with ru's key"},
		{k.sub(t, "mission", "b1", "observations", map[string]int{"n": 3}), `replayed submission: mission already sent "b1"`},
		{ledger.Submission{Author: "nobody", ID: "x", Type: "t", Body: []byte("{}"), Sig: "AA=="}, `"nobody" has no key registered`},
	}
	for _, c := range cases {
		_, err := l.Submit(c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) || accord.ErrorCode(err) != accord.EINVALID {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if l.Len() != 4 {
		t.Fatalf("%d entries, want 4 (one submission, three refusals)", l.Len())
	}
	data, _ := os.ReadFile(path)
	rep := ledger.Verify(data, k.reg, nil)
	if !rep.OK() || len(rep.Submissions) != 1 {
		t.Errorf("verify: %v, %d submissions", rep.Problems, len(rep.Submissions))
	}
	// Reopened, the ledger still knows b1 was sent.
	l.Close()
	l2, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if _, err := l2.Submit(k.sub(t, "mission", "b1", "observations", map[string]int{"n": 3})); err == nil {
		t.Error("a replay after reopening was accepted")
	}
}

// Proofs served by the log are checkable by a third party with the tlog
// package alone.
func TestProofsWithTlogAlone(t *testing.T) {
	k := newKeys(t, "mission")
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "log"), k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 300; i++ {
		if _, err := l.Submit(k.sub(t, "mission", fmt.Sprint(i), "observations", i)); err != nil {
			t.Fatal(err)
		}
	}
	small, _ := l.Tree(100)
	big, _ := l.Tree(300)
	for _, i := range []int64{0, 1, 99, 150, 299} {
		rec, _ := l.Record(i)
		p, err := l.ProveRecord(300, i)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, big.N, big.Hash, i, tlog.RecordHash(rec)); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
		rec[len(rec)/2] ^= 1
		if tlog.CheckRecord(p, big.N, big.Hash, i, tlog.RecordHash(rec)) == nil {
			t.Errorf("entry %d: a changed record passed", i)
		}
	}
	tp, err := l.ProveTree(300, 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(tp, big.N, big.Hash, small.N, small.Hash); err != nil {
		t.Error(err)
	}
}

func TestCheckpointsAndWitnesses(t *testing.T) {
	k := newKeys(t, "mission")
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "log"), k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ls, lv := logSigner(t, "accord-mission")
	ws, wv := logSigner(t, "witness-ua")
	w := &ledger.Witness{Origin: "accord/ukraine-2025", Log: lv, Signer: ws}
	sign := func(n int64) []byte {
		tree, _ := l.Tree(n)
		cp, err := ledger.SignCheckpoint("accord/ukraine-2025", tree, ls)
		if err != nil {
			t.Fatal(err)
		}
		return cp
	}
	for i := 0; i < 20; i++ {
		l.Submit(k.sub(t, "mission", fmt.Sprint(i), "observations", i))
	}
	cosigned, err := w.Cosign(sign(10), nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, names, err := ledger.OpenCheckpoint(cosigned, "accord/ukraine-2025", lv, wv)
	if err != nil || tree.N != 10 || len(names) != 2 {
		t.Fatalf("cosigned checkpoint: %v %v %v", tree, names, err)
	}
	// Signed by the witness alone: the log's signature is required.
	tree10, _ := l.Tree(10)
	alone, _ := ledger.SignCheckpoint("accord/ukraine-2025", tree10, ws)
	if _, _, err := ledger.OpenCheckpoint(alone, "accord/ukraine-2025", lv, wv); err == nil || !strings.Contains(err.Error(), "not signed by the log's key accord-mission (only by witness-ua)") {
		t.Errorf("a checkpoint the witness alone signed: %v", err)
	}
	proof, _ := l.ProveTree(20, 10)
	if _, err := w.Cosign(sign(20), proof); err != nil {
		t.Errorf("consistent checkpoint refused: %v", err)
	}
	// A fork: another log with the same key and a different history.
	other, _ := ledger.OpenLedger(filepath.Join(t.TempDir(), "fork"), k.reg)
	defer other.Close()
	for i := 0; i < 25; i++ {
		other.Submit(k.sub(t, "mission", "f"+fmt.Sprint(i), "observations", i))
	}
	ft, _ := other.Tree(25)
	fcp, _ := ledger.SignCheckpoint("accord/ukraine-2025", ft, ls)
	fproof, _ := other.ProveTree(25, 20)
	if _, err := w.Cosign(fcp, fproof); err == nil || !strings.Contains(err.Error(), "a fork") {
		t.Errorf("fork: %v", err)
	}
	if _, err := w.Cosign(sign(15), nil); err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("rollback: %v", err)
	}
	if _, err := w.Cosign([]byte("accord/ukraine-2025\n20\nAAAA\n\n— accord-mission AAAA\n"), nil); err == nil {
		t.Error("a forged checkpoint was cosigned")
	}
}

func TestRoleMatrix(t *testing.T) {
	// want[role] lists the actions allowed, on one's own object (own) and
	// on another's.
	type rule struct{ own, other bool }
	T, F := true, false
	want := map[string]map[string]rule{
		accord.RoleParty: {accord.ReadPublic: {T, T}, accord.ReadOwnNotices: {T, F}, accord.ReadOthersNotices: {F, F}, accord.ReadRawEvidence: {F, F},
			accord.SubmitObservations: {F, F}, accord.SubmitResponse: {T, F}, accord.SignFinding: {F, F}, accord.DraftAgreement: {F, F}, accord.ReadProofs: {T, T},
			accord.Negotiate: {T, F}, accord.Fund: {T, F}, accord.ReadExchangeLists: {T, T}, accord.RecordProvision: {T, F}},
		accord.RoleGuarantor: {accord.ReadPublic: {T, T}, accord.ReadOwnNotices: {T, F}, accord.ReadOthersNotices: {T, T}, accord.ReadRawEvidence: {T, T},
			accord.SubmitObservations: {F, F}, accord.SubmitResponse: {F, F}, accord.SignFinding: {T, T}, accord.DraftAgreement: {F, F}, accord.ReadProofs: {T, T},
			accord.Fund: {T, F}},
		accord.RoleMonitor: {accord.ReadPublic: {T, T}, accord.ReadOwnNotices: {F, F}, accord.ReadOthersNotices: {F, F}, accord.ReadRawEvidence: {T, T},
			accord.SubmitObservations: {T, T}, accord.SubmitResponse: {F, F}, accord.SignFinding: {F, F}, accord.DraftAgreement: {F, F}, accord.ReadProofs: {T, T},
			accord.TickClock: {T, T}},
		accord.RoleMediator: {accord.ReadPublic: {T, T}, accord.ReadOwnNotices: {F, F}, accord.ReadOthersNotices: {T, T}, accord.ReadRawEvidence: {F, F},
			accord.SubmitObservations: {F, F}, accord.SubmitResponse: {F, F}, accord.SignFinding: {F, F}, accord.DraftAgreement: {T, T}, accord.ReadProofs: {T, T},
			accord.Mediate: {T, T}, accord.RegisterProject: {T, T}},
		accord.RoleVerifier: {accord.ReadPublic: {T, T}, accord.ReadProofs: {T, T}, accord.SubmitExchange: {T, F}, accord.ReadExchangeLists: {T, T},
			accord.RecordProvision: {T, F}},
		accord.RolePublic: {accord.ReadPublic: {T, T}, accord.ReadOwnNotices: {F, F}, accord.ReadOthersNotices: {F, F}, accord.ReadRawEvidence: {F, F},
			accord.SubmitObservations: {F, F}, accord.SubmitResponse: {F, F}, accord.SignFinding: {F, F}, accord.DraftAgreement: {F, F}, accord.ReadProofs: {T, T}},
	}
	p := accord.Policy{RestrictEvidence: true}
	for _, role := range append(accord.AccessRoles, "intruder") {
		for _, action := range append(accord.Actions, "delete_log") {
			r := want[role][action] // absent: denied
			if got := p.Allowed(role, action, true); got != r.own {
				t.Errorf("%s %s on its own: %v, want %v", role, action, got, r.own)
			}
			if got := p.Allowed(role, action, false); got != r.other {
				t.Errorf("%s %s on another's: %v, want %v", role, action, got, r.other)
			}
		}
	}
	if !(accord.Policy{}).Allowed(accord.RoleParty, accord.ReadRawEvidence, false) {
		t.Error("unrestricted evidence is not readable by the parties")
	}
}

// AppendAllLater queues entries and returns: calls made one after the
// other are written in that order, each call's together, whatever order
// their waits come in; a replayed submission is refused at once, and
// nothing of its call is queued.
func TestAppendAllLaterKeepsTheCallsOrder(t *testing.T) {
	k := newKeys(t, "ua")
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "log"), k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	derived := func(tag string, n int) []ledger.Entry {
		es := make([]ledger.Entry, n)
		for i := range es {
			es[i] = ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte(fmt.Sprintf(`{"%s":%d}`, tag, i))}
		}
		return es
	}
	sub := ledger.SubmissionEntry(k.sub(t, "ua", "1", "report", map[string]int{"n": 1}))
	first, err := l.AppendAllLater(append(derived("a", 3), sub))
	if err != nil {
		t.Fatal(err)
	}
	second, err := l.AppendAllLater(derived("b", 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AppendAllLater(append(derived("c", 1), sub)); !errors.Is(err, ledger.ErrReplayed) {
		t.Fatalf("a replayed submission queued: %v", err)
	}
	b, err := second()
	if err != nil {
		t.Fatal(err)
	}
	a, err := first()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, []int64{0, 1, 2, 3}) || !slices.Equal(b, []int64{4, 5}) || l.Len() != 6 {
		t.Fatalf("indexes %v then %v, %d entries; want 0-3 then 4-5, 6 entries (the replay's call left out)", a, b, l.Len())
	}
	for i, want := range []string{`{"a":0}`, `{"a":1}`, `{"a":2}`, "", `{"b":0}`, `{"b":1}`} {
		rec, err := l.Record(int64(i))
		if err != nil {
			t.Fatal(err)
		}
		if want != "" && !bytes.Contains(rec, []byte(want)) {
			t.Errorf("entry %d: %s, want %s in it", i, rec, want)
		}
	}
}
