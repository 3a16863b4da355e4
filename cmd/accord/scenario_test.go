package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/accord-peace/accord/scenarios"
)

var updateTalks = flag.Bool("update", false, "rewrite scenarios/ukraine-2025/talks from scenario.yaml")

// embeddedReference writes the embedded reference scenario to a file.
func embeddedReference(t *testing.T) string {
	t.Helper()
	data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "reference.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := runAccord(t, args...)
	if code != 0 {
		t.Fatalf("accord %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// positionFiles lists DIR/positions/*.yaml.
func positionFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "positions", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Split the embedded reference, join the parts back: analyze says the same
// of the joined scenario as of the reference, in text and in JSON.
func TestScenarioSplitJoinReference(t *testing.T) {
	ref := embeddedReference(t)
	dir := filepath.Join(t.TempDir(), "talks")
	var sum splitSummary
	if err := json.Unmarshal([]byte(mustRun(t, "scenario", "split", ref, "--out", dir, "--output-format", "json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Scenario != "ukraine-2025" || sum.Public != filepath.Join(dir, "public.yaml") || len(sum.Positions) != 5 || len(sum.Files) != 6 || len(sum.WithoutPosition) != 0 {
		t.Errorf("summary %+v", sum)
	}
	for _, f := range sum.Files {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("summary names %s: %v", f, err)
		}
	}
	positions := positionFiles(t, dir)
	if len(positions) != 5 {
		t.Fatalf("position files %v, want 5", positions)
	}
	joined := filepath.Join(t.TempDir(), "whole.yaml")
	mustRun(t, append([]string{"scenario", "join", filepath.Join(dir, "public.yaml"), "--out", joined}, positions...)...)
	printed := mustRun(t, append([]string{"scenario", "join", filepath.Join(dir, "public.yaml")}, positions...)...)
	if written, _ := os.ReadFile(joined); string(written) != printed {
		t.Errorf("join --out and join to stdout differ")
	}
	for _, flags := range [][]string{{"--json"}, {}} {
		want := mustRun(t, append([]string{"analyze", ref}, flags...)...)
		got := mustRun(t, append([]string{"analyze", joined}, flags...)...)
		if got != want {
			t.Errorf("analyze %v of the joined scenario differs from the reference's:\n%s\nwant\n%s", flags, got, want)
		}
	}
}

// The checked-in split of the reference (scenarios/ukraine-2025/talks) is
// what accord scenario split writes, on disk and embedded; -update rewrites
// it.
func TestReferenceTalksUpToDate(t *testing.T) {
	const talks = "../../scenarios/ukraine-2025/talks"
	if *updateTalks {
		mustRun(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", talks, "--force")
	}
	dir := filepath.Join(t.TempDir(), "talks")
	mustRun(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", dir)
	want := append([]string{filepath.Join(dir, "public.yaml")}, positionFiles(t, dir)...)
	var got []string
	for _, f := range append([]string{filepath.Join(talks, "public.yaml")}, positionFiles(t, talks)...) {
		rel, _ := filepath.Rel(talks, f)
		got = append(got, rel)
	}
	var wantRel []string
	for _, f := range want {
		rel, _ := filepath.Rel(dir, f)
		wantRel = append(wantRel, rel)
		onDisk, err := os.ReadFile(filepath.Join(talks, rel))
		if err != nil {
			t.Errorf("%v (go test ./cmd/accord -run TestReferenceTalksUpToDate -update writes it)", err)
			continue
		}
		fresh, _ := os.ReadFile(f)
		if !bytes.Equal(onDisk, fresh) {
			t.Errorf("%s is not what accord scenario split writes (go test ./cmd/accord -run TestReferenceTalksUpToDate -update)", rel)
		}
		embedded, err := scenarios.FS.ReadFile(filepath.ToSlash(filepath.Join("ukraine-2025/talks", rel)))
		if err != nil || !bytes.Equal(embedded, fresh) {
			t.Errorf("embedded %s differs or is missing: %v", rel, err)
		}
	}
	if !slices.Equal(got, wantRel) {
		t.Errorf("talks holds %v, want %v", got, wantRel)
	}
	entries, err := fs.ReadDir(scenarios.FS, scenarios.TalksPositions)
	if err != nil || len(entries) != 5 {
		t.Errorf("embedded %s: %d files, %v", scenarios.TalksPositions, len(entries), err)
	}
	if _, err := fs.Stat(scenarios.FS, scenarios.TalksPublic); err != nil {
		t.Error(err)
	}
}

// split refuses to replace files without --force and writes nothing then;
// with --force it replaces them.
func TestScenarioSplitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "positions"), 0o755); err != nil {
		t.Fatal(err)
	}
	ua := filepath.Join(dir, "positions", "ua.yaml")
	if err := os.WriteFile(ua, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runAccord(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", dir)
	if code != 1 || !strings.Contains(errs, ua) || !strings.Contains(errs, "--force") {
		t.Errorf("exit %d, stderr %q; want 1 naming %s", code, errs, ua)
	}
	if files := positionFiles(t, dir); len(files) != 1 {
		t.Errorf("files written despite the refusal: %v", files)
	}
	if _, err := os.Stat(filepath.Join(dir, "public.yaml")); err == nil {
		t.Errorf("public.yaml written despite the refusal")
	}
	mustRun(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", dir, "--force")
	if b, _ := os.ReadFile(ua); !strings.HasPrefix(string(b), "negotiation: ukraine-2025\nparty: ua\n") {
		t.Errorf("--force did not replace ua.yaml: %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "positions")); len(entries) != 5 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// When a file cannot be written, nothing is: no file, no folder made.
func TestScenarioSplitWritesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "talks")
	// positions is a file: the position files cannot be written.
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "positions"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runAccord(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", out)
	if code != 1 || strings.Contains(errs, "this is a bug") {
		t.Errorf("exit %d, stderr %q; want 1", code, errs)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("files left in %s: %v", out, entries)
	}
	// A folder split made is removed again.
	deep := filepath.Join(dir, "file", "talks")
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runAccord(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", deep); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}

// A bad position file: exit 1, every problem with its line, nothing
// written.
func TestScenarioJoinBadPosition(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "talks")
	mustRun(t, "scenario", "split", "../../scenarios/ukraine-2025", "--out", dir)
	ua := filepath.Join(dir, "positions", "ua.yaml")
	data, err := os.ReadFile(ua)
	if err != nil {
		t.Fatal(err)
	}
	// Line 3 is the batna, line 5 the first issue, its first utility at column 53.
	lines := strings.Split(string(data), "\n")
	if lines[2] != "batna: 60" || !strings.Contains(lines[4], "immediate-30day: 100") {
		t.Fatalf("the reference's ua.yaml changed: %q %q", lines[2], lines[4])
	}
	lines[2] = "batna: 60\nbatan: 60"
	lines[4] = strings.Replace(lines[4], "immediate-30day: 100", "immediate-30day: 140", 1)
	bad := filepath.Join(t.TempDir(), "ua.yaml")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "whole.yaml")
	tests := []struct {
		name string
		args []string
		msgs []string
	}{
		{"bad position", []string{bad}, []string{
			bad + `:4:1: batan: unknown field "batan"`,
			bad + ":6:53: issues.ceasefire.utility.immediate-30day: utility must be within 0..100, got 140",
		}},
		{"two files for a party", []string{ua, ua}, []string{ua + `:2:8: party: party "ua" already has a position, in ` + ua}},
		{"a whole scenario as the public part", nil, []string{"positions: a public part holds no positions"}},
		{"missing file", []string{filepath.Join(dir, "nope.yaml")}, []string{"position file " + filepath.Join(dir, "nope.yaml")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			public := filepath.Join(dir, "public.yaml")
			if tt.args == nil {
				public = "../../scenarios/ukraine-2025/scenario.yaml"
			}
			stdout, errs, code := runAccord(t, append([]string{"scenario", "join", public, "--out", out}, tt.args...)...)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			for _, m := range tt.msgs {
				if !strings.Contains(errs, m) {
					t.Errorf("stderr %q, want %q in it", errs, m)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written despite the error", out)
			}
		})
	}
}

func TestScenarioCommandLine(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"scenario", "split", "../../scenarios/ukraine-2025"}, 2, "split needs --out DIR"},
		{[]string{"scenario", "split", "../../scenarios/ukraine-2025", "--out", "x", "--output-format", "yaml"}, 2, `--output-format "yaml": want text or json`},
		{[]string{"scenario", "split", "../../scenarios/ukraine-2025", "--out", "x", "--json", "--output-format", "text"}, 2, "choose one"},
		{[]string{"scenario", "split"}, 2, "needs one SCENARIO"},
		{[]string{"scenario", "join"}, 2, "needs PUBLIC.yaml"},
		{[]string{"scenario", "splt"}, 2, "did you mean split?"},
		{[]string{"scenario", "split", "nope.yaml", "--out", t.TempDir()}, 1, "scenario nope.yaml"},
	}
	for _, tt := range tests {
		_, errs, code := runAccord(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.msg)
		}
	}
	out := mustRun(t, "scenario", "split", "--help")
	for _, want := range []string{"Examples:", "--force", "--output-format", "positions/PARTY.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("split --help lacks %q", want)
		}
	}
}

// dirState is every file under dir with its content ("/" for a folder).
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			state[rel] = "/"
			return nil
		}
		b, err := os.ReadFile(path)
		state[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// A folder where split --force writes a file is refused before any file is
// renamed: the files it would have replaced are still there, unchanged.
// Before, public.yaml and positions/ua.yaml were replaced and then the
// rename to positions/ru.yaml failed, under "nothing written".
func TestScenarioSplitFolderInTheWayWritesNothing(t *testing.T) {
	dir := t.TempDir()
	ru := filepath.Join(dir, "positions", "ru.yaml")
	if err := os.MkdirAll(ru, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"public.yaml", "positions/ua.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("mine: "+f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := dirState(t, dir)
	_, errs, code := runAccord(t, "scenario", "split", tiny, "--out", dir, "--force")
	if code != 1 || !strings.Contains(errs, "nothing written: "+ru+" is a folder") {
		t.Errorf("exit %d, stderr %q; want 1 naming the folder %s", code, errs, ru)
	}
	if after := dirState(t, dir); !maps.Equal(before, after) {
		t.Errorf("split changed %s:\nbefore %q\nafter  %q", dir, before, after)
	}
}

// When a rename fails midway, the files renamed before it are put back:
// those replaced get their old content, those new are removed, and no
// temporary file is left.
func TestWriteFilesAtomicPutsBackOnFailedRename(t *testing.T) {
	for _, failAt := range []int{0, 1, 2} {
		t.Run(fmt.Sprint("rename ", failAt), func(t *testing.T) {
			dir := t.TempDir()
			files := []outFile{
				{path: filepath.Join(dir, "public.yaml"), data: []byte("new public\n")},
				{path: filepath.Join(dir, "positions", "ua.yaml"), data: []byte("new ua\n")},
				{path: filepath.Join(dir, "positions", "ru.yaml"), data: []byte("new ru\n")},
			}
			// public.yaml and ru.yaml exist; ua.yaml is new.
			if err := os.MkdirAll(filepath.Join(dir, "positions"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []outFile{files[0], files[2]} {
				if err := os.WriteFile(f.path, []byte("old\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := dirState(t, dir)
			defer func(r func(string, string) error) { renameFile = r }(renameFile)
			renameFile = func(from, to string) error {
				if to == files[failAt].path {
					return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EIO}
				}
				return os.Rename(from, to)
			}
			err := writeFilesAtomic(files, true)
			if err == nil || !strings.HasPrefix(err.Error(), "nothing written") {
				t.Errorf("err %v; want nothing written", err)
			}
			if after := dirState(t, dir); !maps.Equal(before, after) {
				t.Errorf("changed:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
}
