package ledger_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord/ledger"
)

// A checkpoint that no key given signed says which key it wanted and
// which keys signed it, each by name and key hash — what a witness
// restarted with another --log-key, or verify given the wrong log.pub,
// needs to tell two keys of one name apart — not "note has no verifiable
// signatures".
func TestOpenCheckpointNamesTheKeysWhenNoneVerifies(t *testing.T) {
	key := func(name string) (note.Signer, note.Verifier) {
		skey, vkey, _ := note.GenerateKey(rand.Reader, name)
		s, _ := note.NewSigner(skey)
		v, _ := note.NewVerifier(vkey)
		return s, v
	}
	logS, _ := key("accord-log")
	_, otherV := key("accord-log") // the log's name, another key
	_, strangerV := key("stranger")
	cp, err := ledger.SignCheckpoint("accord/test", tlog.Tree{N: 3}, logS)
	if err != nil {
		t.Fatal(err)
	}
	signer := fmt.Sprintf("%s+%08x", logS.Name(), logS.KeyHash())
	for _, v := range []note.Verifier{otherV, strangerV} {
		want := fmt.Sprintf("not signed by the log's key %s+%08x", v.Name(), v.KeyHash())
		_, _, err := ledger.OpenCheckpoint(cp, "accord/test", v)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), signer) {
			t.Errorf("a checkpoint signed by %s, the log's key %s+%08x given: %v; want %q and the signer named", signer, v.Name(), v.KeyHash(), err, want)
		}
	}
}
