package api_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// A batch signed by its monitor is stored and its submission recorded; a
// tampered batch, a replayed batch id and (when required) an unsigned batch
// are refused with nothing stored, the refusals recorded.
func TestSignedBatches(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	path := filepath.Join(t.TempDir(), "l")
	l, err := ledger.OpenLedger(path, &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	store := monitor.NewMemStore()
	s := api.NewServer(newMission(t, store, l))
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	s.RequireSigned = true
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	batch := []byte(strings.Replace(line, "ID", "1", 1) + "\n")
	send := func(body []byte, author, id, sig string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/observations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-ndjson")
		if author != "" {
			req.Header.Set(api.HeaderAuthor, author)
			req.Header.Set(api.HeaderID, id)
			req.Header.Set(api.HeaderSignature, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e api.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Message
	}
	sig, err := api.SignBatch(priv, "mission", "b1", batch, 1)
	if err != nil {
		t.Fatal(err)
	}
	if code, msg := send(batch, "mission", "b1", sig); code != 200 {
		t.Fatalf("signed batch: %d %s", code, msg)
	}
	other := []byte(strings.Replace(line, "ID", "2", 1) + "\n")
	cases := []struct {
		name, author, id, sig string
		body                  []byte
		want                  int
		msg                   string
	}{
		{"tampered", "mission", "b2", sig, other, 400, "signed batch refused, nothing stored: the signature does not verify"},
		{"replayed id", "mission", "b1", sig, batch, 400, `replayed submission: mission already sent "b1"`},
		{"unsigned", "", "", "", other, 401, "observation batches must be signed"},
		{"unknown author", "osint", "b3", sig, other, 400, `"osint" has no key registered`},
	}
	for _, c := range cases {
		if code, msg := send(c.body, c.author, c.id, c.sig); code != c.want || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, msg, c.want, c.msg)
		}
	}
	if n, _ := store.Len(t.Context()); n != 1 {
		t.Errorf("%d observations stored, want 1", n)
	}
	l.Close()
	data, _ := os.ReadFile(path)
	rep := ledger.Verify(data, &ledger.Registry{Keys: map[string]ed25519.PublicKey{"mission": pub}}, nil)
	if !rep.OK() || len(rep.Submissions) != 1 || rep.Submissions[0].Type != "observations" {
		t.Errorf("record: %v, %d submissions", rep.Problems, len(rep.Submissions))
	}
	// Tampered, replayed and unknown-author batches were refused on the
	// record; an unsigned one never reached it.
	if n := bytes.Count(data, []byte(`"kind":"refusal"`)); n != 3 {
		t.Errorf("%d refusals recorded, want 3", n)
	}
}
