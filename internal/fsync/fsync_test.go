package fsync

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// File answers as (*os.File).Sync does, for every kind of file a caller
// may hand it.
func TestFileAnswersAsSync(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		open   func(t *testing.T) *os.File
		wantOK bool
	}{
		{"regular file, written", func(t *testing.T) *os.File {
			f, err := os.Create(filepath.Join(dir, "data"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write([]byte("accord\n")); err != nil {
				t.Fatal(err)
			}
			return f
		}, true},
		{"regular file, read only", func(t *testing.T) *os.File {
			f, err := os.Open(filepath.Join(dir, "data"))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}, true},
		{"directory", func(t *testing.T) *os.File {
			f, err := os.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}, true},
		{"pipe", func(t *testing.T) *os.File {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return w
		}, false},
		{"closed file", func(t *testing.T) *os.File {
			f, err := os.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			return f
		}, false},
		{"nil file", func(t *testing.T) *os.File { return nil }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.open(t)
			if f != nil {
				defer f.Close()
			}
			got, want := File(f), f.Sync()
			if (got == nil) != c.wantOK {
				t.Fatalf("File: %v, want success %v", got, c.wantOK)
			}
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Fatalf("File: %v; Sync: %v", got, want)
			}
			for _, target := range []error{os.ErrClosed, os.ErrInvalid} {
				if errors.Is(got, target) != errors.Is(want, target) {
					t.Errorf("errors.Is(%v, %v) differs from Sync's (%v)", got, target, want)
				}
			}
		})
	}
}
