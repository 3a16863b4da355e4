package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// copyFile copies a test file into a temporary directory, so that opening
// it (which may write beside it) leaves the original alone.
func copyFile(t *testing.T, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// A ledger written before bodies were stored verbatim (by json.Marshal:
// compact and HTML-escaped) opens, keeps its tree and verifies: its bodies
// are their own verbatim form.
func TestOldLedgerStillVerifies(t *testing.T) {
	var pubs map[string]string
	b, err := os.ReadFile("testdata/v1.keys.json")
	if err == nil {
		err = json.Unmarshal(b, &pubs)
	}
	if err != nil {
		t.Fatal(err)
	}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for n, k := range pubs {
		reg.Keys[n], _ = base64.StdEncoding.DecodeString(k)
	}
	text, err := os.ReadFile("testdata/v1.tree")
	if err != nil {
		t.Fatal(err)
	}
	_, tree, err := ledger.ParseCheckpoint(string(text))
	if err != nil {
		t.Fatal(err)
	}
	path := copyFile(t, "testdata/v1.ledger")
	before, _ := os.ReadFile(path)
	l, err := ledger.OpenLedger(path, reg)
	if err != nil {
		t.Fatalf("the old ledger does not open: %v", err)
	}
	got, err := l.Tree(l.Len())
	if err != nil || got != tree {
		t.Errorf("tree %v (%v), want %v", got, err, tree)
	}
	if !l.Seen("ru", "5") {
		t.Error("the old ledger's submissions are not known")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("opening and closing the old ledger changed it")
	}
	if rep := ledger.Verify(after, reg, &tree); !rep.OK() || rep.Entries != 8 || len(rep.Submissions) != 6 {
		t.Errorf("verify: %d entries, %d submissions, problems %v", rep.Entries, len(rep.Submissions), rep.Problems)
	}
}

// signRaw signs body exactly as given.
func signRaw(k *keys, author, id, typ string, body []byte) ledger.Submission {
	sig := ed25519.Sign(k.priv[author], ledger.SignedMessage(author, id, typ, body))
	return ledger.Submission{Author: author, ID: id, Type: typ, Body: body, Sig: base64.StdEncoding.EncodeToString(sig)}
}

// A body is stored as its author signed it — whitespace, key order and
// escapes included — so the signature still verifies after a restart.
func TestBodyStoredAsSigned(t *testing.T) {
	k := newKeys(t, "ua")
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	bodies := [][]byte{
		[]byte("{\n  \"note\": \"<b>ceasefire & withdrawal</b>\",\n  \"n\": 1\n}"),
		[]byte(`{"z":1,"a":"\u00e9\/\u003c"}`),
		[]byte(`[1, 2,	3]`),
		[]byte(`"<&>"`),
		[]byte(`null`),
	}
	for i, body := range bodies {
		if _, err := l.Submit(signRaw(k, "ua", string(rune('a'+i)), "response", body)); err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
	}
	l.Close()
	l2, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer l2.Close()
	for i, body := range bodies {
		rec, _ := l2.Record(int64(i))
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e.Body, body) {
			t.Errorf("entry %d: body stored as %s, signed as %s", i, e.Body, body)
		}
	}
	data, _ := os.ReadFile(path)
	rep := ledger.Verify(data, k.reg, nil)
	if !rep.OK() || len(rep.Submissions) != len(bodies) {
		t.Errorf("verify: %d submissions, problems %v", len(rep.Submissions), rep.Problems)
	}
}

// A body that is not one JSON value, or that has whitespace around it, or
// an id that is not UTF-8 (they could not be stored as signed), is refused
// and the refusal recorded.
func TestBodyNotJSONRefused(t *testing.T) {
	k := newKeys(t, "ua")
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cases := []struct {
		body []byte
		want string
	}{
		{[]byte(`{"a":`), "the body is not JSON"},
		{[]byte(`{"a":1} {"b":2}`), "the body is not JSON"},
		{[]byte(" {\"a\":1}"), "whitespace around it"},
		{[]byte("{\"a\":1}\n"), "whitespace around it"},
		{[]byte("{}"), "the id is not valid UTF-8"},
	}
	for i, c := range cases {
		id := string(rune('a' + i))
		if strings.Contains(c.want, "UTF-8") {
			id = "\xff"
		}
		_, err := l.Submit(signRaw(k, "ua", id, "response", c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) || accord.ErrorCode(err) != accord.EINVALID {
			t.Errorf("body %q: error %v, want %q", c.body, err, c.want)
		}
	}
	if n := l.Len(); n != int64(len(cases)) {
		t.Fatalf("%d entries, want %d refusals", n, len(cases))
	}
	// A derived entry with a body that is not JSON is refused too, and
	// nothing is written.
	if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(`{"id":`)}); err == nil || accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("derived entry with a broken body: %v", err)
	}
	// So is an entry with a string JSON could not store as it is.
	if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "\xff", Body: []byte("1")}); err == nil || !strings.Contains(err.Error(), "the type is not valid UTF-8") {
		t.Errorf("derived entry of type \\xff: %v", err)
	}
	l.Close()
	data, _ := os.ReadFile(path)
	if rep := ledger.Verify(data, k.reg, nil); !rep.OK() || rep.Entries != int64(len(cases)) {
		t.Errorf("verify: %d entries, problems %v", rep.Entries, rep.Problems)
	}
}

// frame frames records as the log file does.
func frame(recs ...string) []byte {
	var b []byte
	for _, r := range recs {
		b = binary.BigEndian.AppendUint32(b, uint32(len(r)))
		b = append(b, r...)
	}
	return b
}

// Outside the body, a record must be exactly the entry's encoding; the
// body is whatever JSON value its author signed.
func TestCanonicalForm(t *testing.T) {
	const zero = `"prev":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`
	cases := []struct {
		rec  string
		want string // "" when canonical
	}{
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","body":{ "a" : [1, 2] }}`, ""},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","body":"\u003c<"}`, ""},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","body":1,"reason":"x"}`, ""},
		{`{"seq":0, ` + zero + `,"kind":"derived","type":"t","body":1}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"type":"t","kind":"derived","body":1}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"<","body":1}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","Type":"t","body":1}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","body":1,"type":"t"}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","body":1,"sig":""}`, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","body":1} `, "not in canonical form"},
		{`{"seq":0,` + zero + `,"kind":"derived","type":"t","extra":1}`, "unknown field"},
	}
	for _, c := range cases {
		rep := ledger.Verify(frame(c.rec), &ledger.Registry{}, nil)
		switch {
		case c.want == "" && !rep.OK():
			t.Errorf("%s: %v", c.rec, rep.Problems)
		case c.want != "" && (rep.OK() || !strings.Contains(rep.Problems[0].Msg, c.want)):
			t.Errorf("%s: problems %v, want %q", c.rec, rep.Problems, c.want)
		}
	}
}
