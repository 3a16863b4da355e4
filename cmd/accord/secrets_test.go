package main

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/ledger"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A password in a URL an operator gives (--store, --stream,
// --witness-server, the witness's --server) never comes out, even when
// the URL does not parse: such a URL is the one an error names; and a
// witness server's URL that could never answer is refused at once, as a
// usage error, before anything is written.
func TestPasswordsNeverShown(t *testing.T) {
	const pw = "s3cretPW"
	skey, vkey, err := note.GenerateKey(rand.Reader, "accord-mission")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ledger.SignCheckpoint(defaultOrigin, tlog.Tree{N: 1}, signer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	checkpoint := filepath.Join(dir, "checkpoint")
	authorKey := filepath.Join(dir, "ua.key")
	os.WriteFile(checkpoint, cp, 0o644)
	out, errs, code := runAccord(t, "ledger", "keygen", "--author", "ua")
	if code != 0 {
		t.Fatalf("keygen --author: %d %s", code, errs)
	}
	os.WriteFile(authorKey, []byte(out), 0o600)
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--store", "postgres://u:" + pw + "@h:notaport/db"},
		{"serve", "--addr", "127.0.0.1:0", "--store", "postgres://u:" + pw + "@h%zz/db"},
		{"serve", "--addr", "127.0.0.1:0", "--stream", "nats://u:" + pw + "@h:notaport"},
		{"config", "check", "--store", "postgres://u:" + pw + "@h:notaport/db"},
		{"config", "check", "--store", "postgres://u:" + pw + "@h:notaport/db", "--json"},
		{"config", "check", "--stream", "nats://u:" + pw + "@h:notaport", "--json"},
		{"config", "check", "--role", "witness", "--witness-server", "ftp://u:" + pw + "@x", "--witness-log-key", "a", "--key", "b"},
		{"serve", "--addr", "127.0.0.1:0", "--role", "witness", "--witness-server", "ftp://u:" + pw + "@x", "--witness-log-key", "a", "--key", "b"},
		{"witness", "--server", "ftp://u:" + pw + "@x", "--key", "k", "--log-key", "l", "--once"},
		// The clients of a server, and a ledger read over HTTP.
		{"consult", "respond", "c-1", "--answer", "accept", "--author", "ua", "--key", authorKey, "--server", "http://u:" + pw + "@127.0.0.1:1"},
		{"verify", "http://u:" + pw + "@127.0.0.1:1/v1/ledger", "--checkpoint", checkpoint, "--log-key", vkey},
	} {
		if args[0] != "consult" && args[0] != "verify" { // the commands that keep state
			args = append(args, "--data", filepath.Join(t.TempDir(), "data"))
		}
		out, errs, code := runAccord(t, args...)
		if code == 0 || strings.Contains(out+errs, pw) || !strings.Contains(out+errs, "xxxxx") {
			t.Errorf("%s: exit %d, the password shown or not replaced:\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		if strings.Contains(errs, "this is a bug") {
			t.Errorf("%s: an operator's mistake called a bug:\n%s", strings.Join(args, " "), errs)
		}
	}
	for _, server := range []string{"127.0.0.1:18088", "http://h/v1", "ftp://x"} {
		data := filepath.Join(t.TempDir(), "w")
		_, errs, code := runAccord(t, "witness", "--server", server, "--key", "k", "--log-key", "l", "--data", data)
		if code != 2 || !strings.Contains(errs, "--server") || !strings.Contains(errs, "http(s)://HOST") {
			t.Errorf("witness --server %s: exit %d, want 2 naming --server and what it wants:\n%s", server, code, errs)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("witness --server %s: refused, yet %s was made", server, data)
		}
	}
}

// A witness's private key given where its public key is wanted (the file
// 'ledger keygen' wrote, copied whole) is refused without being echoed:
// it is the witness's signing secret.
func TestPrivateWitnessKeyNeverShown(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "ua-witness")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.SplitN(skey, "+", 5)[4] // PRIVATE+KEY+NAME+HASH+KEY: the key's base64, itself with '+' at times
	file := filepath.Join(t.TempDir(), "ua-witness.keys")
	if err := os.WriteFile(file, []byte(skey+"\n"+vkey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "ua-witness.key")
	if err := os.WriteFile(keyFile, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--witness-key", file},
		{"serve", "--addr", "127.0.0.1:0", "--witness-key", skey},
		{"serve", "--addr", "127.0.0.1:0", "--witness-key", "ua-witness=" + skey},
		{"config", "check", "--witness-key", file, "--json"},
		{"config", "check", "--witness-key", skey},
		{"config", "check", "--witness-key", "ua-witness=" + skey, "--json"},
		// The private key where the log's public key is wanted.
		{"witness", "--server", "http://127.0.0.1:1", "--key", keyFile, "--log-key", skey, "--once"},
		{"witness", "--server", "http://127.0.0.1:1", "--key", keyFile, "--log-key", keyFile, "--once"},
		{"serve", "--addr", "127.0.0.1:0", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--key", keyFile, "--witness-log-key", skey},
	} {
		data := filepath.Join(t.TempDir(), "data")
		out, errs, code := runAccord(t, append(args, "--data", data)...)
		if code == 0 || strings.Contains(out+errs, secret) || !strings.Contains(out+errs, "a private key") {
			t.Errorf("%s: exit %d, the private key shown or not named as one:\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		if strings.Count(errs, "--witness-key:") > 1 {
			t.Errorf("%s: the flag named twice:\n%s", strings.Join(args, " "), errs)
		}
	}
}
