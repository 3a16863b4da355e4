package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/accord-peace/accord"
)

// TestWriteFileAtomicRefusals: an output path the user got wrong is an
// EINVALID error naming the path and why, and nothing is left behind: no
// temporary file, and a file already there unchanged.
func TestWriteFileAtomicRefusals(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.svg")
	if err := os.WriteFile(existing, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	failing := func(f *os.File) error {
		f.WriteString("half")
		return errors.New("the renderer failed")
	}
	for _, tc := range []struct {
		name  string
		path  string
		write func(*os.File) error // nil: writes "new"
		why   string               // "" for success
		errno error                // the cause in the chain
	}{
		{"a directory", filepath.Join(dir, "sub"), nil, "it is a directory", syscall.EISDIR},
		{"a trailing slash", filepath.Join(dir, "new") + "/", nil, "it names a directory", syscall.EISDIR},
		{"a missing folder", filepath.Join(dir, "missing", "x.svg"), nil, `the folder "` + filepath.Join(dir, "missing") + `" does not exist`, fs.ErrNotExist},
		{"missing folders", filepath.Join(dir, "a", "b", "x.svg"), nil, "does not exist", fs.ErrNotExist},
		{"a file as folder", filepath.Join(existing, "x.svg"), nil, "is a file, not a folder", syscall.ENOTDIR},
		{"the writer fails", existing, failing, "", nil},
		{"a new file", filepath.Join(dir, "new.svg"), nil, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write := tc.write
			if write == nil {
				write = func(f *os.File) error { _, err := f.WriteString("new"); return err }
			}
			err := writeFileAtomic(tc.path, write)
			switch {
			case tc.why != "":
				if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), tc.why) ||
					!strings.Contains(err.Error(), `"`+tc.path+`"`) || !errors.Is(err, tc.errno) {
					t.Errorf("error %v (code %s), want EINVALID naming %q and saying %q", err, accord.ErrorCode(err), tc.path, tc.why)
				}
			case tc.write != nil:
				if err == nil || err.Error() != "the renderer failed" {
					t.Errorf("error %v, want the writer's own", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				b, _ := os.ReadFile(tc.path)
				st, _ := os.Stat(tc.path)
				if string(b) != "new" || st.Mode().Perm() != 0o644 {
					t.Errorf("wrote %q mode %v", b, st.Mode().Perm())
				}
			}
			if b, _ := os.ReadFile(existing); string(b) != "kept" {
				t.Errorf("existing file now %q", b)
			}
			for _, d := range []string{dir, filepath.Join(dir, "sub")} {
				left, _ := filepath.Glob(filepath.Join(d, ".*"))
				if len(left) > 0 {
					t.Errorf("left behind: %v", left)
				}
			}
		})
	}
}

// TestOutputErrClassifies: the system's reasons a user can act on become
// EINVALID errors saying so; any other failure is left as it is.
func TestOutputErrClassifies(t *testing.T) {
	for _, tc := range []struct {
		errno syscall.Errno
		why   string // "" when not the user's
	}{
		{syscall.EACCES, `permission denied: this user may not write in the folder "out"`},
		{syscall.EPERM, "permission denied"},
		{syscall.EROFS, "read-only file system"},
		{syscall.ENOSPC, "no space left on the device"},
		{syscall.EISDIR, "it is a directory"},
		{syscall.ENOENT, `the folder "out" does not exist`},
		{syscall.EIO, ""},
		{syscall.EEXIST, ""}, // "out/x.svg" is not a directory
	} {
		cause := &fs.PathError{Op: "open", Path: "out/.x.svg.123", Err: tc.errno}
		err := outputErr("out/x.svg", cause)
		if tc.why == "" {
			if err != error(cause) {
				t.Errorf("%v: got %v, want the cause unchanged", tc.errno, err)
			}
			continue
		}
		msg := err.Error()
		if accord.ErrorCode(err) != accord.EINVALID || !strings.HasPrefix(msg, `cannot write "out/x.svg": `) ||
			!strings.Contains(msg, tc.why) || strings.Contains(msg, ".x.svg.123") || !errors.Is(err, tc.errno) {
			t.Errorf("%v: got %v (code %s), want EINVALID %q", tc.errno, err, accord.ErrorCode(err), tc.why)
		}
	}
}

// TestOutputPathRefusedEndToEnd: through the commands, a bad output path is
// the user's error (exit 1, no "bug"), found before the work, with nothing
// written anywhere.
func TestOutputPathRefusedEndToEnd(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing", "out")
	for _, tc := range []struct {
		args []string
		why  string
	}{
		{[]string{"frontier", tiny, "--x", "ua", "--y", "ru", "--out", dir}, `cannot write "` + dir + `": it is a directory`},
		{[]string{"frontier", tiny, "--x", "ua", "--y", "ru", "--out", missing}, "does not exist"},
		{[]string{"simulate", "--truth", missing}, "does not exist"},
		{[]string{"robust", tiny, "--svg", dir + "/"}, "it names a directory"},
		{[]string{"reconstruction", "export", "-o", dir, "--server", "http://127.0.0.1:1"}, "it is a directory"},
		// Checked before the work (the observations file is not even read).
		{[]string{"report", "daily", "reference", "/nonexistent.ndjson", "--day", "2025-06-02", "--out", dir}, "it is a directory"},
		{[]string{"report", "daily", "reference", "/nonexistent.ndjson", "--day", "2025-06-02", "--out", filepath.Join(dir, "r.html"), "--pdf", missing}, "does not exist"},
		{[]string{"report", "briefing", tiny, "--proposal", "p", "--out", missing}, "does not exist"},
		{[]string{"monitor", "run", "reference", "/nonexistent.ndjson", "--out", dir}, "it is a directory"},
	} {
		out, errs, code := runAccord(t, tc.args...)
		name := strings.Join(tc.args, " ")
		if code != 1 || !strings.Contains(errs, tc.why) || strings.Contains(errs, "this is a bug") || out != "" {
			t.Errorf("%s: exit %d, stdout %d bytes, want 1 saying %q:\n%s", name, code, len(out), tc.why, errs)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left in %s: %v", dir, left)
	}
}

// An output file that is one of the command's inputs — the same path, or
// the same file through a symbolic link — is refused before any work, and
// the input is left as it was. Before, monitor run --out OBS replaced the
// observations with incidents, and scenario join --out PUBLIC wrote every
// party's confidential positions into the public part.
func TestOutputThatIsAnInputIsRefused(t *testing.T) {
	dir := t.TempDir()
	put := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tinyYAML, err := os.ReadFile(tiny)
	if err != nil {
		t.Fatal(err)
	}
	agreementYAML, err := os.ReadFile("../../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	obs := put("obs.ndjson", mustRun(t, "simulate", "--duration", "1h", "--seed", "3"))
	obsLink := link("obs-link.ndjson", obs)
	scen := put("tiny.yaml", string(tinyYAML))
	agr := put("agreement.yaml", string(agreementYAML))
	talks := filepath.Join(dir, "talks")
	mustRun(t, "scenario", "split", scen, "--out", talks)
	public, ua := filepath.Join(talks, "public.yaml"), filepath.Join(talks, "positions", "ua.yaml")
	publicLink := link("public-link.yaml", public)
	whole := put("split/public.yaml", string(tinyYAML)) // a whole scenario where split writes its public part

	tests := []struct {
		name  string
		args  []string
		out   string // the input named as output
		input string // as the error names it
	}{
		{"monitor run --out OBS", []string{"monitor", "run", "reference", obs, "--json", "--out", obs}, obs, obs},
		{"monitor run, OBS through a link", []string{"monitor", "run", "reference", obsLink, "--out", obs}, obs, obsLink},
		{"monitor run --out AGREEMENT", []string{"monitor", "run", agr, obs, "--out", agr}, agr, agr},
		{"monitor run --out --beside", []string{"monitor", "run", "reference", obs, "--beside", agr, "--out", agr}, agr, agr},
		{"scenario join --out PUBLIC", []string{"scenario", "join", public, ua, "--out", public}, public, public},
		{"scenario join, PUBLIC through a link", []string{"scenario", "join", publicLink, ua, "--out", public}, public, publicLink},
		{"scenario join --out POSITION", []string{"scenario", "join", public, ua, "--out", ua}, ua, ua},
		{"scenario split over its SCENARIO", []string{"scenario", "split", whole, "--out", filepath.Dir(whole), "--force"}, whole, whole},
		{"frontier --out", []string{"frontier", scen, "--x", "ua", "--y", "ru", "--out", scen}, scen, scen},
		{"briefing --out", []string{"report", "briefing", scen, "--proposal", "p1", "--out", scen}, scen, scen},
		{"briefing --pdf", []string{"report", "briefing", scen, "--proposal", "p1", "--pdf", scen}, scen, scen},
		{"daily --out", []string{"report", "daily", "reference", obs, "--day", "2025-01-01", "--out", obs}, obs, obs},
		{"daily --pdf", []string{"report", "daily", agr, obs, "--day", "2025-01-01", "--pdf", agr}, agr, agr},
		{"forecast --svg", []string{"forecast", scen, "--svg", scen}, scen, scen},
		{"robust --svg", []string{"robust", scen, "--runs", "10", "--svg", scen}, scen, scen},
		{"simulate --truth", []string{"simulate", "--duration", "1h", "--agreement", agr, "--truth", agr}, agr, agr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, err := os.ReadFile(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			stdout, errs, code := runAccord(t, tt.args...)
			want := "names the input " + tt.input + " (the same file)"
			if code != 1 || !strings.Contains(errs, want) || stdout != "" {
				t.Errorf("exit %d, stdout %.80q, stderr %q; want 1 and %q", code, stdout, errs, want)
			}
			if after, _ := os.ReadFile(tt.out); string(after) != string(before) {
				t.Errorf("%s changed", tt.out)
			}
		})
	}
}
