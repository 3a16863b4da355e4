package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
)

// The cosignature route reads its JSON body as every other route does
// (decodeBody): text that is not valid is refused as such, and nothing
// may follow the object. It read it with its own decoder: a \udc00 in the
// witness's name became U+FFFD, and a second object after the first was
// ignored and the cosignature taken.
func TestCosignatureBodyIsReadAsEveryBody(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 3; i++ {
		l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte(fmt.Sprint(i))})
	}
	key := func(name string) (note.Signer, note.Verifier) {
		skey, vkey, _ := note.GenerateKey(rand.Reader, name)
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		return s, v
	}
	logS, _ := key("accord-log")
	uaS, uaV := key("ua-witness")
	mux := http.NewServeMux()
	rec := &api.Record{Ledger: l, Origin: "accord/test", Signer: logS, Witnesses: []note.Verifier{uaV}}
	if err := rec.LoadCosignatures(filepath.Join(t.TempDir(), "cosignatures.json")); err != nil {
		t.Fatal(err)
	}
	rec.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tree, _ := l.Tree(3)
	good, _ := json.Marshal(cosignature(t, uaS, string(ledger.CheckpointText("accord/test", tree))))
	for _, tc := range []struct {
		name, body, msg string
	}{
		{"half a surrogate pair in the witness's name", `{"witness": "ua-witness\udc00", "checkpoint": "x", "signature": "eA=="}`, "not valid text"},
		{"another object after the cosignature", string(good) + ` {"witness": "x"}`, "more follows"},
	} {
		resp, err := http.Post(srv.URL+"/v1/checkpoint/cosignatures", "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(body), tc.msg) {
			t.Errorf("%s: %d %s, want 400 and %q", tc.name, resp.StatusCode, body, tc.msg)
		}
	}
}
