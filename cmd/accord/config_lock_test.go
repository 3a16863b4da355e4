package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// One --data serves one process: a second serve on a directory another
// node holds (two roles given one directory, say) is refused at start,
// and config check, which answers for serve, says so too rather than
// "configuration valid".
func TestConfigCheckSaysTheDataDirectoryIsInUse(t *testing.T) {
	data := filepath.Join(t.TempDir(), "d")
	_, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	defer stop()
	_, serveErr, serveCode := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none")
	if serveCode == 0 || !strings.Contains(serveErr, "is in use by") {
		t.Fatalf("a second serve on %s: exit %d, want the refusal: %s", data, serveCode, serveErr)
	}
	out, errs, code := runAccord(t, "config", "check", "--data", data, "--scenario", "none")
	if code == 0 || !strings.Contains(errs, "is in use by") {
		t.Errorf("config check on a directory a running server holds: exit %d, want serve's refusal (%s):\n%s%s", code, strings.TrimSpace(serveErr), out, errs)
	}
	// The server is not disturbed: its directory is still its own.
	if _, errs, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none"); code == 0 || !strings.Contains(errs, "is in use by") {
		t.Errorf("after config check, a second serve: exit %d %s", code, errs)
	}
}
