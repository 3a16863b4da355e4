package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// An ACCORD_ variable one letter or two from a setting's (ACCORD_STROE for
// ACCORD_STORE) is a mistake, refused as the file's unknown key is, naming
// the setting meant and never the value (a store's password): it was
// ignored without a word, and the server started on SQLite, or open to
// every caller without its tokens. accord's other variables (the clients'
// ACCORD_TOKEN, the tests' ACCORD_PG_BIN) and names near none are not
// settings' mistakes.
func TestConfigMisspeltEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name, value, says string // says "": not refused
	}{
		{"ACCORD_STROE", "postgres://u:s3cret@db.example/accord", "ACCORD_STROE: no setting is named so; did you mean ACCORD_STORE (--store)?"},
		{"ACCORD_ADR", "0.0.0.0:8080", "did you mean ACCORD_ADDR (--addr)?"},
		{"ACCORD_CORS_ORIGINS", "https://a.example", "did you mean ACCORD_CORS_ORIGIN (--cors-origin)?"},
		{"ACCORD_AGREEMENTS", "reference", "did you mean ACCORD_AGREEMENT (--agreement)?"},
		{"ACCORD_CONFG", "accord.yaml", "did you mean ACCORD_CONFIG (--config)?"},
		{"ACCORD_TOKEN", "a-client-token-0123456789", ""},
		{"ACCORD_TIMEOUT", "30s", ""},
		{"ACCORD_PG_BIN", "none", ""},
		{"ACCORD_SOMETHING_ELSE", "x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			out, errs, code := runAccord(t, "config", "check", "--data", filepath.Join(t.TempDir(), "d"))
			_, serveErrs, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:-1", "--data", filepath.Join(t.TempDir(), "d"))
			if tc.says == "" {
				if code != 0 || strings.Contains(errs, tc.name) || strings.Contains(serveErrs, tc.name) {
					t.Errorf("%s refused: config check exit %d %s; serve: %s", tc.name, code, errs, serveErrs)
				}
				return
			}
			if code != 1 || !strings.Contains(errs, tc.says) {
				t.Errorf("config check with %s set: exit %d, want 1 saying %q:\n%s%s", tc.name, code, tc.says, out, errs)
			}
			// serve refuses it with its other problems (here --addr's), as
			// a wrong command line.
			if serveCode != exitUsage || !strings.Contains(serveErrs, tc.says) {
				t.Errorf("serve with %s set: exit %d, want %d saying %q:\n%s", tc.name, serveCode, exitUsage, tc.says, serveErrs)
			}
			if strings.Contains(out+errs+serveErrs, "s3cret") {
				t.Errorf("the value is shown: %s %s", errs, serveErrs)
			}
		})
	}
}
