package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A private key others may read is warned about at start; one only its
// owner reads is not.
func TestWarnReadableKey(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o644, true}} {
		path := filepath.Join(dir, "log.key")
		os.WriteFile(path, []byte("PRIVATE+KEY+x\n"), 0o600)
		if err := os.Chmod(path, tt.mode); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		warnReadable(slog.New(slog.NewTextHandler(&b, nil)), path, "the log's private key")
		if got := strings.Contains(b.String(), "may be read by others") && strings.Contains(b.String(), path); got != tt.warn {
			t.Errorf("mode %04o: warned %v, want %v (%s)", tt.mode, got, tt.warn, b.String())
		}
		os.Remove(path)
	}
}
