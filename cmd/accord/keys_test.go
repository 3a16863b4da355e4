package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeygenRefusesUnusableNames: a note key's name with a space or a '+'
// makes a key no signer or verifier accepts; keygen refuses it instead of
// printing it.
func TestKeygenRefusesUnusableNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"accord-mission", true},
		{"über-witness", true},
		{"a b", false},
		{"a+b", false},
		{"a\tb", false},
	} {
		out, errs, code := runAccord(t, "ledger", "keygen", "--", tc.name)
		if tc.ok != (code == 0) {
			t.Errorf("keygen %q: exit %d, %s%s", tc.name, code, out, errs)
			continue
		}
		if !tc.ok && (out != "" || !strings.Contains(errs, "no space and no '+'")) {
			t.Errorf("keygen %q: printed %q, said %q", tc.name, out, errs)
		}
	}
}

// TestReadSigner: the file keygen wrote, whole or its first line, is a
// signer; a public key alone, two private keys or anything else is refused,
// naming the flag and the file, without echoing a private key.
func TestReadSigner(t *testing.T) {
	out, _, code := runAccord(t, "ledger", "keygen", "w1")
	if code != 0 {
		t.Fatal("keygen failed")
	}
	pair := strings.Fields(out)
	other, _, _ := runAccord(t, "ledger", "keygen", "w2")
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"first line", pair[0] + "\n", ""},
		{"keygen's output whole", out, ""},
		{"public line first", pair[1] + "\n" + pair[0] + "\n", ""},
		{"public key alone", pair[1] + "\n", "a public key only"},
		{"two private keys", pair[0] + "\n" + strings.Fields(other)[0] + "\n", "2 private keys"},
		{"empty", "", "not a private note key"},
		{"garbage", "hello\n", "not a private note key"},
		{"damaged private key", pair[0][:len(pair[0])-4] + "\n", "a damaged private note key"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		os.WriteFile(path, []byte(tc.content), 0o600)
		s, err := readSigner("--key", path)
		if tc.want == "" {
			if err != nil || s.Name() != "w1" {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--key "+path) {
			t.Errorf("%s: %v, want %q naming --key and the file", tc.name, err, tc.want)
		} else if strings.Contains(err.Error(), "PRIVATE+KEY+w") {
			t.Errorf("%s: the private key is echoed: %v", tc.name, err)
		}
	}
	// End to end: a checkpoint signed with keygen's whole output.
	path := filepath.Join(dir, "ledger")
	if err := os.WriteFile(path, nil, 0o644); err != nil { // an empty ledger: checkpoint makes none
		t.Fatal(err)
	}
	if _, errs, code := runAccord(t, "ledger", "checkpoint", path, "--key", filepath.Join(dir, "keygen's-output-whole")); code != 0 {
		t.Errorf("checkpoint with keygen's whole output: exit %d %s", code, errs)
	}
	if _, errs, code := runAccord(t, "ledger", "checkpoint", path, "--key", filepath.Join(dir, "public-key-alone")); code == 0 || !strings.Contains(errs, "a public key only") {
		t.Errorf("checkpoint with a public key: exit %d %s", code, errs)
	}
}

// TestReadAuthorKey: an author's key is the 64-byte private key keygen
// --author prints first; its public key (32 bytes, as long as a seed) is
// refused, as are a damaged key and a second line that is another key's.
func TestReadAuthorKey(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub2, _, _ := ed25519.GenerateKey(rand.Reader)
	b64 := base64.StdEncoding.EncodeToString
	damaged := append(ed25519.PrivateKey(nil), priv...)
	damaged[40] ^= 1
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"keygen's output", b64(priv) + "\n" + b64(pub) + "\n", ""},
		{"private line alone", b64(priv) + "\n", ""},
		{"public key alone", b64(pub) + "\n", "32 bytes, a public key or a bare seed"},
		{"public line first", b64(pub) + "\n" + b64(priv) + "\n", "32 bytes"},
		{"another key's public line", b64(priv) + "\n" + b64(pub2) + "\n", "not the first line's public key"},
		{"damaged", b64(damaged) + "\n", "a damaged private key"},
		{"not base64", "hello\n", "not base64"},
		{"wrong length", b64([]byte("short")) + "\n", "5 bytes"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		os.WriteFile(path, []byte(tc.content), 0o600)
		k, err := readAuthorKey(path)
		if tc.want == "" {
			if err != nil || !k.Equal(priv) {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want %q naming the file", tc.name, err, tc.want)
		}
	}
}
