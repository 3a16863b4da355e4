package ledger_test

import (
	"slices"
	"testing"

	"github.com/accord-peace/accord/ledger"
)

// A log verified in pieces, each Extend taking the entries that follow
// the last, gives what one Verify of the whole gives: the same entries,
// tree, submissions and sealed count, and a problem in a later piece at
// the same entry, with the same message, as in the whole log's report.
func TestVerifierExtendsAsVerify(t *testing.T) {
	data, reg, tree := recordLog(t, 150)
	fr := frames(data)
	whole := ledger.Verify(data, reg, &tree)
	if !whole.OK() {
		t.Fatalf("the log does not verify: %v", whole.Problems)
	}
	for _, cuts := range [][]int{{0}, {1}, {37}, {37, 38, 90}, {149}, {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140}} {
		v := ledger.NewVerifier(reg)
		from := 0
		var subs []ledger.Entry
		sealed := 0
		for k, c := range append(slices.Clone(cuts), len(fr)) {
			end := len(data)
			if c < len(fr) {
				end = fr[c][0]
			}
			var cp = &tree
			if k < len(cuts) {
				cp = nil // no checkpoint covers a piece's end
			}
			rep := v.Extend(data[from:end], cp)
			if !rep.OK() {
				t.Fatalf("cuts %v, piece %d: %v", cuts, k, rep.Problems)
			}
			if rep.Entries != int64(c) && k < len(cuts) {
				t.Fatalf("cuts %v, piece %d: %d entries, want %d", cuts, k, rep.Entries, c)
			}
			subs, sealed, from = append(subs, rep.Submissions...), sealed+rep.Sealed, end
			if k == len(cuts) && (rep.Entries != whole.Entries || rep.Tree != whole.Tree) {
				t.Fatalf("cuts %v: %d entries, tree %v; Verify: %d, %v", cuts, rep.Entries, rep.Tree, whole.Entries, whole.Tree)
			}
		}
		if len(subs) != len(whole.Submissions) || sealed != whole.Sealed {
			t.Fatalf("cuts %v: %d submissions and %d sealed, Verify %d and %d", cuts, len(subs), sealed, len(whole.Submissions), whole.Sealed)
		}
	}
	// Tampered past the cut: located as Verify locates it; then spoilt.
	cut := fr[60][0]
	for name, bad := range map[string][]byte{
		"a byte changed":   func() []byte { b := slices.Clone(data); b[fr[75][0]+20] ^= 1; return b }(),
		"an entry dropped": slices.Concat(data[:fr[80][0]], data[fr[81][0]:]),
		"two swapped":      slices.Concat(data[:fr[61][0]], data[fr[62][0]:fr[63][0]], data[fr[61][0]:fr[62][0]], data[fr[63][0]:]),
	} {
		want := ledger.Verify(bad, reg, &tree)
		if want.OK() {
			t.Fatalf("%s: Verify finds nothing", name)
		}
		v := ledger.NewVerifier(reg)
		if rep := v.Extend(bad[:cut], nil); !rep.OK() {
			t.Fatalf("%s: the untouched piece: %v", name, rep.Problems)
		}
		got := v.Extend(bad[cut:], &tree)
		if len(got.Problems) != len(want.Problems) {
			t.Fatalf("%s: %d problems, Verify %d:\n%v\n%v", name, len(got.Problems), len(want.Problems), got.Problems, want.Problems)
		}
		for i, p := range got.Problems {
			w := want.Problems[i]
			if p.Entry != w.Entry || p.Msg != w.Msg || (p.Offset >= 0 && p.Offset+int64(cut) != w.Offset) {
				t.Fatalf("%s: problem %d is %v, Verify's %v", name, i, p, w)
			}
		}
		if again := v.Extend(nil, nil); again.OK() {
			t.Fatalf("%s: a verifier that found problems goes on as if none", name)
		}
	}
}
