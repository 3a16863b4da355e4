package main

import (
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
