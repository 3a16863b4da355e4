package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// One data directory serves one deployment at a time: a second one,
// which would append to the same ledger and sign checkpoints the first's
// appends contradict, is refused and changes nothing; once the first is
// closed the directory opens again, and no lock file is left.
func TestDataDirectoryServesOneDeployment(t *testing.T) {
	ctx := context.Background()
	a, k := monitortest.Reference(t)
	dir := t.TempDir()
	cfg := local.Config{Dir: dir, Agreement: a, Kernel: k}
	first, err := local.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(dir)
	_, err = local.Open(ctx, cfg)
	want := fmt.Sprintf("the data directory %s is in use by another process (pid %d)", dir, os.Getpid())
	if accord.ErrorCode(err) != accord.EINVALID || err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("a second deployment on %s: %v; want %q", dir, err, want)
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("the refused deployment changed the directory: %d entries, %d before", len(after), len(before))
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, local.LockName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file stays after Close: %v", err)
	}
	again, err := local.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("the directory once its deployment closed: %v", err)
	}
	again.Close()
	// A deployment that fails to open lets the directory go.
	bad := cfg
	bad.Store = "mysql://x"
	if _, err := local.Open(ctx, bad); err == nil {
		t.Fatal("an unknown store opened")
	}
	if d, err := local.Open(ctx, cfg); err != nil {
		t.Fatalf("after a failed open: %v", err)
	} else {
		d.Close()
	}
}

// A deployment refused at start leaves its directory as it found it: the
// stores and ledger it made are removed, what was there stays.
func TestRefusedStartLeavesTheDirectoryAsItWas(t *testing.T) {
	ctx := context.Background()
	a, k := monitortest.Reference(t)
	dir := t.TempDir()
	// A damaged key, found after the stores and the ledger are made.
	if err := os.WriteFile(filepath.Join(dir, "mediation.key"), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := local.Open(ctx, local.Config{Dir: dir, Agreement: a, Kernel: k}); err == nil {
		t.Fatal("a damaged mediation.key was taken")
	}
	des, _ := os.ReadDir(dir)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if strings.Join(names, " ") != "mediation.key" {
		t.Errorf("after a refused start the directory holds %v; want the damaged key alone, as before", names)
	}
	// Discard after a start the caller refused (its own check failed).
	dir2 := t.TempDir()
	d, err := local.Open(ctx, local.Config{Dir: dir2, Agreement: a, Kernel: k})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir2, "log.key"), []byte("made by the caller"), 0o600)
	if err := d.Discard(); err != nil {
		t.Fatal(err)
	}
	if des, _ := os.ReadDir(dir2); len(des) != 0 {
		t.Errorf("after Discard the directory holds %d entries; want none", len(des))
	}
}
