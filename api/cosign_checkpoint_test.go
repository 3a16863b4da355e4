package api_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
)

// variantBase64 is the base64 of h with the unused low bits of its last
// character set: the same bytes to a lenient decoder, other text.
func variantBase64(h tlog.Hash) string {
	s := base64.StdEncoding.EncodeToString(h[:]) // 44 characters, one '='
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	i := strings.IndexByte(alphabet, s[42])
	return s[:42] + string(alphabet[i|1]) + "="
}

// A cosignature is taken only over the checkpoint's text as the log signs
// it: the record publishes the witness's signature under the text it makes
// itself (CheckpointText), so a signature over another spelling of the
// same tree (a size "+5" or "05", a root in non-canonical base64) would be
// published under a text it does not sign — the cosigned checkpoint every
// client reads would no longer verify, and the witness's valid
// cosignature it replaced would be lost.
func TestCosignatureOverAnotherSpellingIsRefused(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 5; i++ {
		l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte(fmt.Sprint(i))})
	}
	key := func(name string) (note.Signer, note.Verifier) {
		skey, vkey, _ := note.GenerateKey(nil, name)
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		return s, v
	}
	logS, logV := key("accord-log")
	uaS, uaV := key("ua-witness")
	rec := &api.Record{Ledger: l, Origin: "accord/test", Signer: logS, Witnesses: []note.Verifier{uaV}}
	if err := rec.LoadCosignatures(filepath.Join(t.TempDir(), "cosignatures.json")); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rec.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	post := func(body map[string]string) (int, string) {
		b, _ := json.Marshal(body)
		resp, err := http.Post(srv.URL+"/v1/checkpoint/cosignatures", "application/json", strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	tree4, _ := l.Tree(4)
	tree5, _ := l.Tree(5)
	if code, body := post(cosignature(t, uaS, string(ledger.CheckpointText("accord/test", tree4)))); code != 200 {
		t.Fatalf("the canonical checkpoint of 4: %d %s", code, body)
	}
	b64 := base64.StdEncoding.EncodeToString(tree5.Hash[:])
	for _, tt := range []struct{ name, text string }{
		{"a size with a plus sign", "accord/test\n+5\n" + b64 + "\n"},
		{"a size with a leading zero", "accord/test\n05\n" + b64 + "\n"},
		{"a root in non-canonical base64", "accord/test\n5\n" + variantBase64(tree5.Hash) + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body := post(cosignature(t, uaS, tt.text))
			if code != 400 || !strings.Contains(body, "checkpoint") {
				t.Errorf("posted a cosignature over %q: %d %s; want 400 naming the checkpoint's text", tt.text, code, body)
			}
			// What the record publishes still verifies, with the witness's
			// cosignature of the tree of 4 it took.
			resp, err := http.Get(srv.URL + "/v1/checkpoint/cosigned")
			if err != nil {
				t.Fatal(err)
			}
			cp, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			tree, names, err := ledger.OpenCheckpoint(cp, "accord/test", logV, uaV)
			if err != nil || tree != tree4 || len(names) != 2 {
				t.Errorf("the cosigned checkpoint after it: %v %v %v\n%s", tree.N, names, err, cp)
			}
		})
	}
}

// The saved cosignatures (cosignatures.json) are read at start: a size
// that is no tree's (negative) is a damaged file, refused with an error
// naming it — the server panicked (index out of range in tlog.TreeHash).
func TestLoadCosignaturesRefusesANegativeSize(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte("0")})
	lskey, _, _ := note.GenerateKey(nil, "accord-log")
	logS, _ := note.NewSigner(lskey)
	_, wvkey, _ := note.GenerateKey(nil, "ua-witness")
	uaV, _ := note.NewVerifier(wvkey)
	path := filepath.Join(t.TempDir(), "cosignatures.json")
	os.WriteFile(path, []byte(`{"ua-witness": {"size": -1, "signature": "AAAAAAAA"}}`), 0o600)
	rec := &api.Record{Ledger: l, Origin: "accord/test", Signer: logS, Witnesses: []note.Verifier{uaV}}
	var lerr error
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("LoadCosignatures of a size -1 panicked: %v", p)
			}
		}()
		lerr = rec.LoadCosignatures(path)
	}()
	if lerr == nil || !strings.Contains(lerr.Error(), path) || !strings.Contains(lerr.Error(), "-1") {
		t.Fatalf("LoadCosignatures of a size -1: %v; want an error naming the file and the size", lerr)
	}
}
