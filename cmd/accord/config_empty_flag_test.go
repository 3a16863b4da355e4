package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --config given empty (--config "$CFG" with CFG unset) is refused, as
// every other setting given empty is (docs/server.md, "Empty values"),
// rather than read as no file: the server would start on its defaults —
// SQLite in ./accord-data, no tokens — not the one the file describes.
func TestEmptyConfigFlagRefused(t *testing.T) {
	for _, cmd := range [][]string{{"config", "check"}, {"serve", "--addr", "127.0.0.1:0"}} {
		data := filepath.Join(t.TempDir(), "d")
		args := append(append([]string{}, cmd...), "--config", "", "--data", data)
		// A serve that starts is stopped after a while.
		out, errs, code, _ := runAccordCtx(t, 5*time.Second, args...)
		if code == 0 || strings.Contains(out, "accord serving on") || !strings.Contains(errs, "--config") {
			t.Errorf("%s: exit %d, want a refusal naming --config:\n%s%s", strings.Join(args, " "), code, out, errs)
		}
	}
}

// A repeatable setting given as an empty list — agreement: [] in the file,
// ACCORD_AGREEMENT=" , " — is refused as an empty value is, naming where it
// came from: it was taken for the default, and the server ran the
// reference agreement, not the ones the file or the script meant to give.
func TestEmptyListSettingRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "empty-list.yaml")
	if err := os.WriteFile(file, []byte("origin: a/b\nagreement: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		says string
	}{
		{"file agreement", nil, []string{"--config", file}, "--agreement: an empty list (file " + file + ":2)"},
		{"env agreement", map[string]string{"ACCORD_AGREEMENT": " , "}, nil, "--agreement: an empty list (env ACCORD_AGREEMENT)"},
		{"env witness-key", map[string]string{"ACCORD_WITNESS_KEY": ","}, nil, "--witness-key: an empty list (env ACCORD_WITNESS_KEY)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			data := filepath.Join(t.TempDir(), "d")
			out, errs, code := runAccord(t, append([]string{"config", "check", "--data", data}, tc.args...)...)
			if code != 1 || !strings.Contains(errs, tc.says) {
				t.Errorf("config check: exit %d, want 1 saying %q:\n%s%s", code, tc.says, out, errs)
			}
			out, errs, code, _ = runAccordCtx(t, 5*time.Second, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, tc.args...)...)
			if code != exitUsage || strings.Contains(out, "accord serving on") || !strings.Contains(errs, tc.says) {
				t.Errorf("serve: exit %d, want %d saying %q:\n%s%s", code, exitUsage, tc.says, out, errs)
			}
		})
	}
}
