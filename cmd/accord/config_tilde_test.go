package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A path beginning with ~ in the configuration file or the environment
// (data: ~/accord, a systemd unit's Environment=ACCORD_TOKENS=~/t.json):
// only a shell expands ~, on a command line; here it was taken literally,
// config check found it valid and serve made a directory named ~ in the
// working directory (its tokens file not found, or worse, an open server
// meant to have tokens). Refused, naming where it came from and the home
// directory to write out.
func TestConfigTildeRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tilde.yaml")
	if err := os.WriteFile(file, []byte("origin: a/b\ndata: ~/accord-data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	home, _ := os.UserHomeDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		says string
	}{
		{"file data", nil, []string{"--config", file}, `--data "~/accord-data" (file ` + file + `:2): ~ is not expanded here`},
		{"env tokens", map[string]string{"ACCORD_TOKENS": "~/tokens.json"}, []string{"--data", filepath.Join(dir, "d")}, `--tokens "~/tokens.json" (env ACCORD_TOKENS): ~ is not expanded here`},
		{"env agreement list", map[string]string{"ACCORD_AGREEMENT": "reference,~/a.yaml"}, []string{"--data", filepath.Join(dir, "d")}, `--agreement "~/a.yaml" (env ACCORD_AGREEMENT): ~ is not expanded here`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			out, errs, code := runAccord(t, append([]string{"config", "check"}, tc.args...)...)
			if code != 1 || !strings.Contains(errs, tc.says) || !strings.Contains(errs, home) {
				t.Errorf("config check: exit %d, want 1 saying %q and the home directory %s:\n%s%s", code, tc.says, home, out, errs)
			}
			// An address no server takes: nothing is started, whatever
			// the outcome, and the directory ~ is never made here.
			_, errs, code = runAccord(t, append([]string{"serve", "--addr", "127.0.0.1:-1"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errs, tc.says) {
				t.Errorf("serve: exit %d, want %d saying %q:\n%s", code, exitUsage, tc.says, errs)
			}
		})
	}
}
