package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/scenario"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

func newScenarioCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "scenario",
		Short: "Split a scenario into its public part and one position file per party, and join them back",
		Long: `scenario keeps a negotiation in two kinds of file (docs/scenario.md, Public
part and position files): the public part — id, title, parties with their
veto and roles, tracks, issues, options and proposals — which every party
may see, and one confidential position file per party — its batna, issues
(weight, utility, red lines), interactions, sequencing and sources — which
only that party and the mediator hold. A position file means exactly what
the same lines mean under positions.PARTY of a whole scenario, so joining
every position back gives a scenario whose analysis is the same.`,
	}
	c.AddCommand(newScenarioSplitCmd(), newScenarioJoinCmd())
	return c
}

// splitSummary is what scenario split prints with --output-format json.
type splitSummary struct {
	Scenario        string            `json:"scenario"`
	Public          string            `json:"public"`
	Positions       map[string]string `json:"positions"`        // party -> file
	WithoutPosition []string          `json:"without_position"` // parties with no positions entry
	Files           []string          `json:"files"`            // every file written, in order
}

func newScenarioSplitCmd() *cobra.Command {
	var out, outFormat string
	var force, asJSON bool
	c := &cobra.Command{
		Use:   "split SCENARIO --out DIR",
		Short: "Write a scenario's public part and one position file per party",
		Long: `split writes the public part of SCENARIO to DIR/public.yaml (the scenario
without its positions) and the position of each party that has one to
DIR/positions/PARTY.yaml; a party without a positions entry gets no file.
The files are written by accord's own writer: YAML comments are not carried
over, and the same scenario always gives the same bytes.

split refuses to replace a file that exists unless --force is given (other
files in DIR are left alone: remove stale position files yourself). It writes
every file to a temporary file first and renames them only when all are
written, so a failure leaves DIR as it was.

--output-format json (or --json) prints a summary for scripts:
  {"scenario","public","positions":{PARTY:FILE},"without_position":[...],"files":[...]}`,
		Example: "  accord scenario split scenarios/ukraine-2025 --out talks\n" +
			"  accord scenario split scenarios/ukraine-2025 --out talks --force --output-format json\n" +
			"  accord scenario join talks/public.yaml talks/positions/*.yaml --out whole.yaml",
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			format, err := summaryFormat(c, outFormat, asJSON)
			if err != nil {
				return err
			}
			if out == "" {
				return usageError{cmd: usagePath(c), err: fmt.Errorf("split needs --out DIR, the folder to write to")}
			}
			s, err := scenario.Load(args[0])
			if err != nil {
				return err
			}
			public, positions, err := scenario.Split(s)
			if err != nil {
				return err
			}
			sum := splitSummary{Scenario: s.ID, Public: filepath.Join(out, "public.yaml"), Positions: map[string]string{}, WithoutPosition: []string{}}
			files := []outFile{{path: sum.Public, data: public}}
			for _, p := range s.Parties {
				data, ok := positions[p.ID]
				if !ok {
					sum.WithoutPosition = append(sum.WithoutPosition, p.ID)
					continue
				}
				path := filepath.Join(out, "positions", p.ID+".yaml")
				sum.Positions[p.ID] = path
				files = append(files, outFile{path: path, data: data})
			}
			for _, f := range files {
				if err := checkNotInput("--out", f.path, args[0]); err != nil {
					return err
				}
				sum.Files = append(sum.Files, f.path)
			}
			if err := writeFilesAtomic(files, force); err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(c.OutOrStdout(), sum)
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "%s: public part (%d parties, %d tracks, %d issues, %d proposals)\n", sum.Public, len(s.Parties), len(s.Tracks), len(s.Issues), len(s.Proposals))
			for _, p := range s.Parties {
				if path, ok := sum.Positions[p.ID]; ok {
					fmt.Fprintf(w, "%s: position of %s\n", path, p.ID)
				}
			}
			for _, p := range sum.WithoutPosition {
				fmt.Fprintf(w, "%s has no position: no file\n", p)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "the folder to write public.yaml and positions/PARTY.yaml to (made if missing)")
	c.Flags().BoolVar(&force, "force", false, "replace files that exist")
	c.Flags().StringVar(&outFormat, "output-format", "", "what to print: text or json (default text)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON (--output-format json)")
	_ = c.RegisterFlagCompletionFunc("output-format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// summaryFormat checks --output-format and --json: text or json.
func summaryFormat(c *cobra.Command, format string, asJSON bool) (string, error) {
	switch {
	case asJSON && format != "" && format != "json":
		return "", usageError{cmd: usagePath(c), err: fmt.Errorf("--json and --output-format %s: choose one", format)}
	case asJSON:
		return "json", nil
	case format == "":
		return "text", nil
	case format != "text" && format != "json":
		return "", usageError{cmd: usagePath(c), err: fmt.Errorf("--output-format %q: want text or json", format)}
	}
	return format, nil
}

func newScenarioJoinCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "join PUBLIC.yaml [POSITION.yaml...]",
		Short: "Join a public part and position files back into a whole scenario",
		Long: `join reads a public part (a scenario without positions) and position files
(each names its negotiation and its party), and writes the whole scenario:
the public part with each party's position under positions. Every file is
read before anything is written; every problem in any of them is reported
with its file, line, column and field (a position for another negotiation,
an unknown party, issue, option or track, a utility outside 0..100, a
negative weight, an unknown field, two files for one party), and then
nothing is written and the exit status is 1.

The scenario goes to standard output, or to --out FILE, atomically (a
temporary file renamed over it). A party given no file has no position.`,
		Example: "  accord scenario join talks/public.yaml talks/positions/*.yaml > whole.yaml\n" +
			"  accord scenario join talks/public.yaml talks/positions/*.yaml --out whole.yaml && accord analyze whole.yaml",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{cmd: usagePath(c), err: fmt.Errorf("%s needs PUBLIC.yaml and the position files, got no argument", c.CommandPath())}
			}
			return nil
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkNotInput("--out", out, args...); err != nil {
				return err
			}
			s, err := joinFiles(args[0], args[1:])
			if err != nil {
				return err
			}
			data, err := scenario.Format(s)
			if err != nil {
				return err
			}
			if out == "" {
				_, err := c.OutOrStdout().Write(data)
				return err
			}
			return writeFilesAtomic([]outFile{{path: out, data: data}}, true)
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "write the scenario to this file (atomically) instead of standard output")
	return c
}

// joinFiles reads a public part and position files and joins them; the
// problems of every file are reported together.
func joinFiles(publicPath string, positionPaths []string) (*accord.Scenario, error) {
	data, err := readInput(publicPath, "public part")
	if err != nil {
		return nil, err
	}
	public, err := scenario.ParsePublic(publicPath, data)
	if err != nil {
		return nil, err
	}
	var problems []scenario.Problem
	positions := map[string]*accord.Position{}
	from := map[string]string{} // party -> file
	for _, path := range positionPaths {
		data, err := readInput(path, "position file")
		if err != nil {
			return nil, err
		}
		party, pos, err := scenario.ParsePosition(public, path, data)
		var ve *scenario.ValidationError
		switch {
		case errors.As(err, &ve):
			problems = append(problems, ve.Problems...)
			continue
		case err != nil:
			return nil, err
		}
		if first, dup := from[party]; dup {
			line, col := partyLine(data)
			problems = append(problems, scenario.Problem{File: path, Line: line, Column: col, Field: "party",
				Msg: fmt.Sprintf("party %q already has a position, in %s: one file per party", party, first)})
			continue
		}
		from[party], positions[party] = path, pos
	}
	if len(problems) > 0 {
		return nil, &scenario.ValidationError{Problems: problems}
	}
	return scenario.Join(public, positions)
}

// partyLine is where a position file names its party.
func partyLine(data []byte) (line, col int) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0, 0
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "party" {
			return root.Content[i+1].Line, root.Content[i+1].Column
		}
	}
	return 0, 0
}

func readInput(path, what string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: what + " " + path, Err: err}
	}
	return data, nil
}

// outFile is one file a command writes.
type outFile struct {
	path string
	data []byte
}

// renameFile is os.Rename; a test replaces it to make a rename fail midway.
var renameFile = os.Rename

// writeFilesAtomic writes every file or none: each to a temporary file
// beside it, renamed into place only when all are written. A destination
// that is a folder is refused before anything is written; a file a rename
// replaces is kept aside (a hard link, or the file itself moved) until every
// rename has succeeded, so that when one fails those already renamed are
// put back and "nothing written" is true.
func writeFilesAtomic(files []outFile, force bool) (err error) {
	var exist []string
	for _, f := range files {
		fi, err := os.Lstat(f.path)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			return accord.Errorf(accord.EINVALID, "nothing written: %s is a folder, and a file goes there (remove or move the folder)", f.path)
		}
		exist = append(exist, f.path)
	}
	if len(exist) > 0 && !force {
		return accord.Errorf(accord.EINVALID, "nothing written: %d file(s) exist already (--force replaces them): %s", len(exist), strings.Join(exist, ", "))
	}
	var made, temps []string
	var done []replaced // renamed into place, in order
	defer func() {
		if err == nil {
			for _, r := range done {
				if r.old != "" {
					os.Remove(r.old)
				}
			}
			return
		}
		var lost []string
		for _, r := range slices.Backward(done) {
			if e := r.undo(); e != nil {
				lost = append(lost, e.Error())
			}
		}
		for _, t := range temps {
			os.Remove(t)
		}
		for _, d := range slices.Backward(made) {
			os.Remove(d) // only when empty
		}
		if len(lost) > 0 {
			err = &accord.Error{Code: accord.EINTERNAL, Message: "written in part, and could not be put back: " + strings.Join(lost, "; "), Err: err}
			return
		}
		err = &accord.Error{Code: accord.EINVALID, Message: "nothing written", Err: err}
	}()
	for _, f := range files {
		dirs, err := mkdirs(filepath.Dir(f.path))
		made = append(made, dirs...)
		if err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*")
		if err != nil {
			return err
		}
		temps = append(temps, tmp.Name())
		if _, err := tmp.Write(f.data); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		// CreateTemp makes the file private (0600); an output file is not.
		if err := os.Chmod(tmp.Name(), 0o644); err != nil {
			return err
		}
	}
	for i, f := range files {
		r := replaced{path: f.path}
		if _, err := os.Lstat(f.path); err == nil {
			if r.old, r.moved, err = keepAside(f.path); err != nil {
				temps = temps[i:]
				return err
			}
		}
		if err := renameFile(temps[i], f.path); err != nil {
			temps = temps[i:]
			if r.moved {
				done = append(done, r) // undo moves the old file back
			} else if r.old != "" {
				os.Remove(r.old) // a second name of the file still in place
			}
			return err
		}
		done = append(done, r)
	}
	return nil
}

// replaced is a file writeFilesAtomic renamed into place, and where the
// file it replaced was kept ("" when there was none).
type replaced struct {
	path, old string
	moved     bool // old was moved away, not linked: path was missing meanwhile
}

// keepAside keeps the file at path under a new name beside it: a hard link
// when the file system has them (path stays in place), else the file
// itself, moved.
func keepAside(path string) (old string, moved bool, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".old.*")
	if err != nil {
		return "", false, err
	}
	old = f.Name()
	f.Close()
	os.Remove(old)
	if os.Link(path, old) == nil {
		return old, false, nil
	}
	if err := renameFile(path, old); err != nil {
		return "", false, err
	}
	return old, true, nil
}

// undo puts back what was at r.path before: the file kept aside, or
// nothing.
func (r *replaced) undo() error {
	if r.old == "" {
		if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.Rename(r.old, r.path); err != nil {
		return fmt.Errorf("%s is the new file; the old one is %s: %w", r.path, r.old, err)
	}
	return nil
}

// mkdirs makes a folder and its missing parents, returning those it made,
// outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		missing = append(missing, d)
	}
	slices.Reverse(missing)
	var made []string
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); errors.Is(err, os.ErrExist) {
			continue // made meanwhile by someone else: not ours to remove
		} else if err != nil {
			return made, err
		}
		made = append(made, d)
	}
	return made, nil
}
