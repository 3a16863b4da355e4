package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The log's keys in --data are read at start, and a damaged one refuses
// the start (TestServeDamagedDataFiles); config check, which answers for
// serve, says the same of them instead of "configuration valid", and
// writes nothing.
func TestConfigCheckReadsTheLogKeys(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(dir string) error
		want   string
	}{
		{"log.key malformed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "log.key"), []byte("not a key\n"), 0o600)
		}, "log.key"},
		{"log.pub missing", func(dir string) error { return os.Remove(filepath.Join(dir, "log.pub")) }, "log.pub"},
		{"log.pub another key's", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "log.pub"), []byte("other+00000000+AcY5dc2gzHm1pgtKDQy6mZrB3mDJd1AuJRsfeX5Ys7Y0\n"), 0o644)
		}, "public key of log.key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, _, err := logKey(dir); err != nil {
				t.Fatal(err)
			}
			if err := c.damage(dir); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadDir(dir)
			_, serveErr, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--scenario", "none")
			if serveCode == 0 || !strings.Contains(serveErr, c.want) {
				t.Fatalf("serve: exit %d, want a refusal naming %q: %s", serveCode, c.want, serveErr)
			}
			out, errs, code := runAccord(t, "config", "check", "--data", dir, "--scenario", "none")
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("config check: exit %d, want 1 and serve's refusal (%s):\n%s%s", code, strings.TrimSpace(serveErr), out, errs)
			}
			if after, _ := os.ReadDir(dir); len(after) != len(before) {
				t.Errorf("config check wrote in --data: %d files, then %d", len(before), len(after))
			}
		})
	}
}
