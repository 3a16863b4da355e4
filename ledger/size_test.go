package ledger_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// An entry larger than the limit the reader enforces is refused, with
// nothing of it written, while the appends sharing its commits go on; the
// log reopens.
func TestOversizeEntryRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	big := ledger.Entry{Kind: ledger.KindDerived, Type: "incident", Body: []byte(`"` + strings.Repeat("x", ledger.MaxEntry) + `"`)}
	var wg sync.WaitGroup
	errs := make([]error, 64)
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[g] = l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "load", Body: []byte(fmt.Sprint(g))})
		}()
	}
	_, err = l.Append(big)
	wg.Wait()
	want := fmt.Sprintf("over the limit of %d bytes", ledger.MaxEntry)
	if err == nil || accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "the record would be 16777") {
		t.Errorf("oversize entry: %v", err)
	}
	for g, err := range errs {
		if err != nil {
			t.Errorf("append %d beside the oversize one: %v", g, err)
		}
	}
	// Appended together with an oversize one, nothing is written.
	if _, err := l.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: "a", Body: []byte("1")}, big}); err == nil || !strings.Contains(err.Error(), "2 of 2") {
		t.Errorf("AppendAll with an oversize entry: %v", err)
	}
	if err := ledger.CheckEntry(big); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("CheckEntry: %v", err)
	}
	if n := l.Len(); n != int64(len(errs)) {
		t.Errorf("%d entries, want %d", n, len(errs))
	}
	l.Close()
	if st, _ := os.Stat(path); st.Size() > 64*200 {
		t.Errorf("the file is %d bytes: the oversize entry was written", st.Size())
	}
	l, err = ledger.Open(path)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	l.Close()
}

// Whatever a submission carries, its refusal stays small: author, id and
// type are cut to ledger.MaxRefusedField bytes and the cut recorded with
// the full value's length and SHA-256; a submission too large to store is
// refused. The ledger reopens and verifies.
func TestHugeSubmissionRefusedSmall(t *testing.T) {
	k := newKeys(t, "ua")
	path := filepath.Join(t.TempDir(), "log")
	l, err := ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("é", 17<<19) // 17 MiB
	long := strings.Repeat("a", 100_000)
	bigBody, _ := json.Marshal(huge)
	cases := []struct {
		name string
		s    ledger.Submission
		want string
		cut  []string
	}{
		{"anonymous, huge id", ledger.Submission{Author: "nobody", ID: huge, Type: "observations", Body: []byte("{}"), Sig: "AA=="}, "too large to store", []string{"id"}},
		{"huge author and type", ledger.Submission{Author: huge, ID: "x", Type: huge, Body: []byte("{}")}, "too large to store", []string{"author", "type"}},
		{"long unknown author", ledger.Submission{Author: long, ID: long, Type: "t", Body: []byte("{}")}, "has no key registered", []string{"author", "id"}},
		{"signed, huge id", signRaw(k, "ua", huge, "response", []byte("{}")), "too large to store", []string{"id"}},
		{"signed, huge body", signRaw(k, "ua", "b", "response", bigBody), "too large to store", nil},
		{"signed, the record just too large", signRaw(k, "ua", "c", "response", []byte(`"`+strings.Repeat("x", ledger.MaxEntry-200)+`"`)), "the record would be", nil},
	}
	for i, c := range cases {
		_, err := l.Submit(c.s)
		if err == nil || accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %.300v, want %q", c.name, err, c.want)
		}
		if err != nil && len(err.Error()) > 2048 {
			t.Errorf("%s: the error is %d bytes long", c.name, len(err.Error()))
		}
		rec, err := l.Record(int64(i))
		if err != nil {
			t.Fatal(err)
		}
		if len(rec) > 4096 {
			t.Errorf("%s: the refusal is %d bytes", c.name, len(rec))
		}
		var e ledger.Entry
		json.Unmarshal(rec, &e)
		if e.Kind != ledger.KindRefusal || len(e.Cut) != len(c.cut) {
			t.Fatalf("%s: entry %s", c.name, rec)
		}
		for j, f := range c.cut {
			full := map[string]string{"author": c.s.Author, "id": c.s.ID, "type": c.s.Type}[f]
			sum := sha256.Sum256([]byte(full))
			if e.Cut[j] != (ledger.Cut{Field: f, Len: len(full), SHA256: hex.EncodeToString(sum[:])}) {
				t.Errorf("%s: cut %+v, want %s of %d bytes", c.name, e.Cut[j], f, len(full))
			}
		}
		for _, v := range [][2]string{{e.Author, c.s.Author}, {e.ID, c.s.ID}, {e.Type, c.s.Type}} {
			if len(v[0]) > ledger.MaxRefusedField || !strings.HasPrefix(v[1], v[0]) || len(v[0]) < min(len(v[1]), ledger.MaxRefusedField-1) {
				t.Errorf("%s: field %.40q (%d bytes) is not the prefix of at most %d bytes of %.40q", c.name, v[0], len(v[0]), ledger.MaxRefusedField, v[1])
			}
		}
	}
	l.Close()
	l, err = ledger.OpenLedger(path, k.reg)
	if err != nil {
		t.Fatalf("reopening after the refusals: %v", err)
	}
	if n := l.Len(); n != int64(len(cases)) {
		t.Errorf("%d entries, want %d refusals", n, len(cases))
	}
	l.Close()
	data, _ := os.ReadFile(path)
	if rep := ledger.Verify(data, k.reg, nil); !rep.OK() {
		t.Errorf("verify: %v", rep.Problems)
	}
}

// Verification checks what a refusal says it cut.
func TestVerifyChecksCuts(t *testing.T) {
	const head = `{"seq":0,"prev":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",`
	sum := strings.Repeat("ab", 32)
	cases := []struct {
		rec  string
		want string // "" when it verifies
	}{
		{head + `"kind":"refusal","id":"x","reason":"r","cut":[{"field":"id","len":300,"sha256":"` + sum + `"}]}`, ""},
		{head + `"kind":"refusal","id":"x","reason":"r","cut":[{"field":"body","len":300,"sha256":"` + sum + `"}]}`, "not author, id or type"},
		{head + `"kind":"refusal","id":"x","reason":"r","cut":[{"field":"id","len":300,"sha256":"` + sum + `"},{"field":"id","len":300,"sha256":"` + sum + `"}]}`, "cut twice"},
		{head + `"kind":"refusal","id":"x","reason":"r","cut":[{"field":"id","len":3,"sha256":"` + sum + `"}]}`, "want at most 256 kept of more"},
		{head + `"kind":"refusal","id":"` + strings.Repeat("x", 257) + `","reason":"r","cut":[{"field":"id","len":300,"sha256":"` + sum + `"}]}`, "want at most 256 kept"},
		{head + `"kind":"refusal","id":"x","reason":"r","cut":[{"field":"id","len":300,"sha256":"ab"}]}`, "hex SHA-256"},
		{head + `"kind":"derived","type":"t","body":1,"cut":[{"field":"id","len":300,"sha256":"` + sum + `"}]}`, "only a refusal's fields are cut"},
	}
	for _, c := range cases {
		rep := ledger.Verify(frame(c.rec), &ledger.Registry{}, nil)
		switch {
		case c.want == "" && !rep.OK():
			t.Errorf("%s: %v", c.rec, rep.Problems)
		case c.want != "" && (rep.OK() || !strings.Contains(rep.Problems[0].Msg, c.want)):
			t.Errorf("%.120s: problems %v, want %q", c.rec, rep.Problems, c.want)
		}
	}
}

// A refusal the mission records is small whatever was sent: its author, id
// and type cut (with their SHA-256) and its reason cut to 1 KiB, even when
// the reason quotes a megabyte of what was sent.
func TestRefusalEntryIsSmall(t *testing.T) {
	big := strings.Repeat("é", 1<<19)
	e := ledger.RefusalEntry(ledger.Submission{Author: big, ID: big, Type: "response", Body: []byte(`{}`)}, "no consultation "+big)
	if err := ledger.CheckEntry(e); err != nil {
		t.Fatal(err)
	}
	if len(e.Reason) > 1100 || len(e.Author) > 256 || len(e.ID) > 256 || !strings.Contains(e.Reason, "bytes)") {
		t.Errorf("refusal of %d-byte reason, author %d, id %d", len(e.Reason), len(e.Author), len(e.ID))
	}
}
