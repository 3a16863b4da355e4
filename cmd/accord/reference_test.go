package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The reference scenario loads and the analysis says what the scenario's
// README claims of it: each proposal fails for at least one veto party, the
// acceptable set is non-empty, the complete proposals bridge to it, and the
// Minsk-style deadlocks appear.
func TestReferenceScenario(t *testing.T) {
	out, errs, code := runAccord(t, "analyze", "../../scenarios/ukraine-2025", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Veto            []string `json:"veto"`
		AcceptableCount *int64   `json:"acceptable_count"`
		Proposals       map[string]struct {
			Partial bool `json:"partial"`
			Parties map[string]struct {
				Accepts bool `json:"accepts"`
			} `json:"parties"`
			Bridge *struct {
				Changes int `json:"changes"`
			} `json:"bridge"`
		} `json:"proposals"`
		Solutions map[string]*struct {
			Package map[string]string `json:"package"`
		} `json:"solutions"`
		SequencingCycles [][]string `json:"sequencing_cycles"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.AcceptableCount == nil || *r.AcceptableCount == 0 {
		t.Fatalf("acceptable set empty or not counted exactly: %v", r.AcceptableCount)
	}
	for _, id := range []string{"us-april-2025", "table1-russia", "table1-us", "table1-ua-eu", "us-28-points", "eu-counter", "armed-neutrality"} {
		p, ok := r.Proposals[id]
		if !ok {
			t.Errorf("proposal %s missing", id)
			continue
		}
		var rejecters []string
		for _, v := range r.Veto {
			if !p.Parties[v].Accepts {
				rejecters = append(rejecters, v)
			}
		}
		if len(rejecters) == 0 {
			t.Errorf("%s: every veto party accepts it", id)
		}
		if !p.Partial && (p.Bridge == nil || p.Bridge.Changes == 0) {
			t.Errorf("%s: complete and rejected, but no bridge with changes: %+v", id, p.Bridge)
		}
	}
	// The report's bridging instruments carry the Nash solution.
	nash := r.Solutions["nash"]
	if nash == nil || !strings.HasPrefix(nash.Package["crimea"], "defacto") || nash.Package["sanctions"] != "phased-snapback" {
		t.Errorf("nash package does not use de facto recognition and phased relief with snapback: %+v", nash)
	}
	cycles := map[string]bool{}
	for _, c := range r.SequencingCycles {
		cycles[strings.Join(c, ",")] = true
	}
	for _, want := range []string{"ceasefire,territory", "monitoring,political"} {
		if !cycles[want] {
			t.Errorf("missing deadlock %s in %v", want, r.SequencingCycles)
		}
	}
}

// The figures in docs/ are the commands' output on the reference scenario;
// regenerate them with the commands in README.md when the scenario changes.
func TestReferenceDocsUpToDate(t *testing.T) {
	for file, args := range map[string][]string{
		"../../docs/ukraine-2025-frontier-ua-ru.svg": {"frontier", "../../scenarios/ukraine-2025", "--x", "ua", "--y", "ru"},
		"../../docs/ukraine-2025-comparison.md":      {"compare", "../../scenarios/ukraine-2025"},
	} {
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, errs, code := runAccord(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
		if out != string(want) {
			t.Errorf("%s is stale: regenerate it with accord %s", file, strings.Join(args, " "))
		}
	}
}

// Every command the docs name in code (`accord ledger checkpoint`, `accord
// monitor run …`) is one accord has: docs/ledger.md named an `accord
// ledger tree` there is not.
func TestDocsNameRealCommands(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	named := regexp.MustCompile("`accord((?: [a-z][a-z-]*)+)[^`]*`")
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllStringSubmatch(string(data), -1) {
			words := strings.Fields(m[1])
			c, rest, err := root.Find(words)
			if err != nil {
				t.Errorf("%s: %s: %v", file, m[0], err)
				continue
			}
			// A word after the command that is no argument it takes is
			// a subcommand that does not exist.
			if len(rest) > 0 && c.HasSubCommands() {
				t.Errorf("%s: %s: %q has no command %q", file, m[0], c.CommandPath(), rest[0])
			}
		}
	}
}

// monitor ingest's help says what its answer is in a sentence of its own:
// it ran into the next one ("N in FILE ACLED and UCDP GED CSV exports are
// read…").
func TestMonitorIngestHelp(t *testing.T) {
	out := mustRun(t, "monitor", "ingest", "--help")
	if !strings.Contains(out, "  N new, N already stored, N repeated in the input, N in FILE\nwhere the last N is how many observations the store holds after. ACLED and\nUCDP GED CSV exports are read with --format") {
		t.Errorf("monitor ingest --help:\n%s", out)
	}
}
