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

// cosignature is a witness's cosignature of a checkpoint text as the
// route takes it.
func cosignature(t *testing.T, s note.Signer, text string) map[string]string {
	t.Helper()
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(msg)), "\n")
	return map[string]string{"witness": s.Name(), "checkpoint": text, "signature": strings.Fields(lines[len(lines)-1])[2]}
}

// The record takes the cosignatures of the witnesses it is configured
// with, over a tree of its own, and publishes them on its checkpoints;
// everything else is refused with a precise error.
func TestCosignatures(t *testing.T) {
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "ledger"), &ledger.Registry{Keys: map[string]ed25519.PublicKey{}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 5; i++ {
		l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte(fmt.Sprint(i))})
	}
	key := func(name string) (note.Signer, note.Verifier) {
		skey, vkey, _ := note.GenerateKey(rand.Reader, name)
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		return s, v
	}
	logS, logV := key("accord-log")
	uaS, uaV := key("ua-witness")
	ruS, ruV := key("ru-witness")
	stranger, _ := key("stranger")
	impostor, _ := key("ua-witness") // the name of a witness, another key
	mux := http.NewServeMux()
	saved := filepath.Join(t.TempDir(), "cosignatures.json")
	rec := &api.Record{Ledger: l, Origin: "accord/test", Signer: logS, Witnesses: []note.Verifier{uaV, ruV}}
	if err := rec.LoadCosignatures(saved); err != nil {
		t.Fatal(err)
	}
	rec.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/v1/checkpoint/cosigned"); code != 404 || !strings.Contains(body, "no checkpoint cosigned yet") {
		t.Fatalf("cosigned before any cosignature: %d %s", code, body)
	}
	tree4, _ := l.Tree(4)
	tree5, _ := l.Tree(5)
	text4 := string(ledger.CheckpointText("accord/test", tree4))
	text5 := string(ledger.CheckpointText("accord/test", tree5))
	wrongRoot := strings.Replace(text4, tree4.Hash.String(), tree5.Hash.String(), 1)
	sigOfOther := cosignature(t, uaS, text5)
	sigOfOther["checkpoint"] = text4
	tests := []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"the ua witness, tree of 4", cosignature(t, uaS, text4), 200, ""},
		{"the ru witness, tree of 5", cosignature(t, ruS, text5), 200, ""},
		{"the ua witness, tree of 5", cosignature(t, uaS, text5), 200, ""},
		{"again: replaced, not repeated", cosignature(t, uaS, text5), 200, ""},
		{"an older tree after a newer: kept, the newer stays", cosignature(t, uaS, text4), 200, ""},
		{"a witness not configured", cosignature(t, stranger, text5), 403, `witness "stranger" is not one this server is configured with`},
		{"a witness's name, another key", cosignature(t, impostor, text5), 400, `the signature of witness "ua-witness" does not verify over the checkpoint of 5 entries`},
		{"a signature of another checkpoint", sigOfOther, 400, `does not verify over the checkpoint of 4 entries`},
		{"another root at a size of the log", cosignature(t, uaS, wrongRoot), 409, "but this log's tree of 4 entries has root " + tree4.Hash.String()},
		{"beyond the log", cosignature(t, uaS, "accord/test\n9\n"+tree5.Hash.String()+"\n"), 400, "checkpoint of 9 entries: the log has 5"},
		{"another log", cosignature(t, uaS, strings.Replace(text5, "accord/test", "accord/other", 1)), 400, `checkpoint of log "accord/other", not "accord/test"`},
		{"not a checkpoint", cosignature(t, uaS, "hello\n"), 400, "checkpoint: a checkpoint has three lines"},
		{"missing fields", map[string]string{"witness": "ua-witness"}, 400, "witness, checkpoint and signature are required"},
		{"an unknown field", map[string]string{"witness": "ua-witness", "note": "x"}, 400, `unknown field "note"`},
		{"a signature that is not base64", map[string]string{"witness": "ua-witness", "checkpoint": text5, "signature": "!!"}, 400, "not the base64 of a note signature"},
	}
	for _, tt := range tests {
		b, _ := json.Marshal(tt.body)
		resp, err := http.Post(srv.URL+"/v1/checkpoint/cosignatures", "application/json", strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e api.ErrorBody
		json.Unmarshal(body, &e)
		if resp.StatusCode != tt.code || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("%s: %d %s, want %d and %q", tt.name, resp.StatusCode, body, tt.code, tt.msg)
		}
		if tt.code == 200 {
			var out api.CosignedCheckpoint
			if err := json.Unmarshal(body, &out); err != nil || !strings.HasPrefix(out.Checkpoint, "accord/test\n") {
				t.Errorf("%s: %s", tt.name, body)
			}
		}
	}
	// The newest checkpoint carries both cosignatures of its tree, once
	// each.
	_, cp := get("/v1/checkpoint")
	tree, names, err := ledger.OpenCheckpoint([]byte(cp), "accord/test", logV, uaV, ruV)
	if err != nil || tree != tree5 || strings.Join(names, ",") != "accord-log,ru-witness,ua-witness" {
		t.Fatalf("checkpoint: %v %v %v\n%s", tree, names, err, cp)
	}
	code, cosigned := get("/v1/checkpoint/cosigned")
	if code != 200 || cosigned != cp {
		t.Fatalf("cosigned: %d\n%s\nwant\n%s", code, cosigned, cp)
	}
	// The log grows: the newest checkpoint has no cosignature yet, the
	// cosigned one stays.
	l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: "t", Body: []byte("5")})
	_, cp6 := get("/v1/checkpoint")
	if _, names, err := ledger.OpenCheckpoint([]byte(cp6), "accord/test", logV, uaV, ruV); err != nil || len(names) != 1 {
		t.Fatalf("checkpoint of 6: %v %v", names, err)
	}
	if _, c := get("/v1/checkpoint/cosigned"); c != cp {
		t.Fatalf("cosigned after growth:\n%s", c)
	}
	// A restarted server publishes the cosignatures saved, of the
	// witnesses it is still configured with.
	again := &api.Record{Ledger: l, Origin: "accord/test", Signer: logS, Witnesses: []note.Verifier{uaV}}
	if err := again.LoadCosignatures(saved); err != nil {
		t.Fatal(err)
	}
	mux2 := http.NewServeMux()
	again.Register(mux2)
	rr := httptest.NewRecorder()
	mux2.ServeHTTP(rr, httptest.NewRequest("GET", "/v1/checkpoint/cosigned", nil))
	tree, names, err = ledger.OpenCheckpoint(rr.Body.Bytes(), "accord/test", logV, uaV)
	if err != nil || tree != tree5 || strings.Join(names, ",") != "accord-log,ua-witness" || strings.Contains(rr.Body.String(), "ru-witness") {
		t.Fatalf("after a restart: %v %v %v\n%s", tree, names, err, rr.Body)
	}
}
