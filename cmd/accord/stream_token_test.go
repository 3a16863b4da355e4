package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A NATS URL's user without a password is NATS's token (nats.go sends it
// as the auth token): a secret like a password, hidden wherever the URL is
// shown — config check's listing, its problems, serve's errors.
func TestNATSTokenNeverShown(t *testing.T) {
	const token = "s3cretTOKEN"
	for _, args := range [][]string{
		{"config", "check", "--stream", "nats://" + token + "@127.0.0.1:1"},
		{"config", "check", "--stream", "nats://" + token + "@127.0.0.1:1", "--json"},
		{"config", "check", "--stream", "nats://127.0.0.1:2,nats://" + token + "@127.0.0.1:1", "--connect"},
		{"serve", "--addr", "127.0.0.1:0", "--stream", "nats://" + token + "@127.0.0.1:1"},
	} {
		out, errs, code := runAccord(t, append(args, "--data", filepath.Join(t.TempDir(), "d"))...)
		if strings.Contains(out+errs, token) {
			t.Errorf("%s: exit %d, the token shown:\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
}
