package main

import (
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// The witness's private key given itself as --key (pasted, or from a
// variable: ACCORD_KEY="$(cat ua.key)") rather than as the file holding it
// is refused without being echoed: the settings' listing hides it, and so
// must the problem that names the flag.
func TestPrivateKeyGivenAsKeyNeverShown(t *testing.T) {
	skey, _, err := note.GenerateKey(rand.Reader, "ua-witness")
	if err != nil {
		t.Fatal(err)
	}
	_, logv, err := note.GenerateKey(rand.Reader, "accord-mission")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.SplitN(skey, "+", 5)[4]
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", logv, "--key", skey},
		{"config", "check", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", logv, "--key", skey},
		{"config", "check", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", logv, "--key", skey, "--json"},
		{"witness", "--server", "http://127.0.0.1:1", "--log-key", logv, "--key", skey, "--once"},
	} {
		out, errs, code := runAccord(t, append(args, "--data", filepath.Join(t.TempDir(), "d"))...)
		if code == 0 || strings.Contains(out+errs, secret) || !strings.Contains(errs, "--key") {
			t.Errorf("%s: exit %d, the private key shown, or the refusal not naming --key:\n%s%s", strings.Join(args[:2], " "), code, out, errs)
		}
	}
}
