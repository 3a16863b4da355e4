package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/accord-peace/accord"
)

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeFileAtomic writes a file through a temporary file beside it and a
// rename, so a failure leaves nothing half-written (a file already at path
// is kept as it was). A path that cannot be written for a reason of the
// user's — a directory, a folder that does not exist, no permission, a
// read-only file system, a full disk — is an EINVALID error naming the path
// and the reason (outputError); any other failure stays internal.
func writeFileAtomic(path string, write func(*os.File) error) error {
	if err := checkOutputPath(path); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return outputErr(path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		// The writer's own errors (what it writes) are its own; only the
		// device's are classified here.
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
			return outputErr(path, err)
		}
		return err
	}
	if err := tmp.Close(); err != nil {
		return outputErr(path, err)
	}
	// CreateTemp makes the file private (0600); an output file is not.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return outputErr(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return outputErr(path, err)
	}
	return nil
}

// outputError says why an output file cannot be written.
type outputError struct {
	Path string
	Why  string // "it is a directory", `the folder "x" does not exist`…
	Err  error  // the system's error, when there is one
}

func (e *outputError) Error() string { return fmt.Sprintf("cannot write %q: %s", e.Path, e.Why) }

func (e *outputError) Unwrap() error { return e.Err }

// badOutput is an EINVALID error about the output path.
func badOutput(path, why string, err error) error {
	return &accord.Error{Code: accord.EINVALID, Err: &outputError{Path: path, Why: why, Err: err}}
}

// checkOutputPath refuses, before any work, an output path that names a
// directory or lies in a folder that does not exist. It is nil for "" (no
// output file) and for paths whose folder exists: whether the folder may be
// written is found when writing.
func checkOutputPath(path string) error {
	if path == "" {
		return nil
	}
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return badOutput(path, "it names a directory; give a file name", syscall.EISDIR)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return badOutput(path, "it is a directory; give a file name", syscall.EISDIR)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return badOutput(path, fmt.Sprintf("the folder %q does not exist; create it first", dir), err)
	case errors.Is(err, syscall.ENOTDIR):
		return badOutput(path, fmt.Sprintf("a part of the folder %q is a file, not a folder", dir), err)
	case errors.Is(err, fs.ErrPermission):
		return badOutput(path, fmt.Sprintf("permission denied to look into the folder %q", dir), err)
	case err == nil && !st.IsDir():
		return badOutput(path, fmt.Sprintf("%q is a file, not a folder", dir), syscall.ENOTDIR)
	}
	return nil
}

// outputErr classifies a failure to write path: the user's (outputError,
// EINVALID) when the system says why in words a user can act on, err itself
// otherwise.
func outputErr(path string, err error) error {
	dir := filepath.Dir(path)
	var why string
	switch {
	case errors.Is(err, syscall.EISDIR), errors.Is(err, fs.ErrExist) && isDir(path):
		// os.Rename onto a directory says "file exists".
		why = "it is a directory; give a file name"
	case errors.Is(err, fs.ErrNotExist):
		why = fmt.Sprintf("the folder %q does not exist; create it first", dir)
	case errors.Is(err, syscall.ENOTDIR):
		why = fmt.Sprintf("a part of the folder %q is a file, not a folder", dir)
	case errors.Is(err, fs.ErrPermission):
		why = fmt.Sprintf("permission denied: this user may not write in the folder %q", dir)
	case errors.Is(err, syscall.EROFS):
		why = fmt.Sprintf("the folder %q is on a read-only file system", dir)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		why = "no space left on the device (nothing was written)"
	case errors.Is(err, syscall.ENAMETOOLONG):
		why = "the file name is too long"
	default:
		return err
	}
	return badOutput(path, why, err)
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// checkNotInput refuses, before any work, an output file that is one of the
// files the command reads (os.SameFile: the same path, another path to it,
// a symbolic or hard link): writing it would replace the input with what
// was made from it. flag names the output ("--out"); inputs are paths as
// given ("-", "" and paths that do not exist are skipped; a folder stands
// for its scenario.yaml, as scenario.Load reads it).
func checkNotInput(flag, out string, inputs ...string) error {
	if out == "" || out == "-" {
		return nil
	}
	ost, err := os.Stat(out)
	if err != nil {
		return nil // a file not there yet is read by no one
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		ist, err := os.Stat(in)
		if err == nil && ist.IsDir() {
			ist, err = os.Stat(filepath.Join(in, "scenario.yaml"))
		}
		if err == nil && os.SameFile(ost, ist) {
			return badOutput(out, fmt.Sprintf("%s names the input %s (the same file): writing it would replace what is read; give another file", flag, in), nil)
		}
	}
	return nil
}

// agreementFiles are the agreement arguments that name files, not embedded
// agreements (the embedded names win over a file of the same name).
func agreementFiles(paths ...string) []string {
	var files []string
	for _, p := range paths {
		if _, ok := embedded[p]; !ok && p != referenceCase && p != "" {
			files = append(files, p)
		}
	}
	return files
}
