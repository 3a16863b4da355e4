package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
	"github.com/accord-peace/accord/report"
)

type holds struct{}

func (holds) Holds(string) (bool, error) { return true, nil }
func (holds) Snapback() bool             { return false }
func (holds) Seq() int                   { return 4 }
func (holds) Guarantor(string) bool      { return true }

// accord report daily --registry DATA adds the reconstruction section,
// read from the server's record, to the HTML and writes it as JSON and
// Markdown.
func TestDailyReportReconstruction(t *testing.T) {
	data := t.TempDir()
	l, err := ledger.OpenLedger(filepath.Join(data, "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	f, err := funding.Open(t.Context(), funding.Config{Ledger: l, Now: func() time.Time { return clock },
		Agreement: func() (reconstruction.Agreement, error) { return holds{}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	eur := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n * 100, Currency: "EUR"} }
	for _, err := range []error{
		second(f.RegisterFund(funding.By("eu"), reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Amount: eur(1000)})),
		second(f.RegisterProject(funding.By("un"), reconstruction.Project{ID: "grid", Sector: "energy", Oblast: "kharkivska", Cost: eur(800), Implementer: "ukrenergo"})),
		second(f.Commit(funding.By("eu"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: eur(500)})),
		second(f.Disburse(funding.By("eu"), reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: eur(100)})),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Commit(funding.By("eu"), reconstruction.Commitment{ID: "c2", Fund: "eu-era", Project: "grid", Amount: eur(900)}); err == nil {
		t.Fatal("no refusal")
	}
	l.Close()
	obs, _ := simulateTo(t, "--seed", "8", "--duration", "30h", "--rate", "5")
	dir := t.TempDir()
	html, js, md := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
	if out, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", html,
		"--registry", data, "--reconstruction-json", js, "--reconstruction-md", md); code != 0 {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
	var x report.Reconstruction
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &x); err != nil || len(x.Commitments) != 1 || len(x.Disbursements) != 1 || len(x.Refusals) != 1 ||
		len(x.Oblasts) != 1 || x.Oblasts[0].CommittedToday != 50000 || x.Oblasts[0].DisbursedToday != 10000 || x.Oblasts[0].RefusalsToday != 1 {
		t.Fatalf("the section's JSON: %v %s", err, b)
	}
	h, _ := os.ReadFile(html)
	m, _ := os.ReadFile(md)
	for name, s := range map[string]string{"html": string(h), "markdown": string(m)} {
		for _, want := range []string{"Reconstruction", "kharkivska", "500.00 EUR", "exceeds fund eu-era"} {
			if !strings.Contains(s, want) {
				t.Errorf("the %s has no %q", name, want)
			}
		}
	}
	if _, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", html, "--reconstruction-json", js); code == 0 || !strings.Contains(errOut, "need --registry") {
		t.Errorf("--reconstruction-json without --registry: %d %s", code, errOut)
	}
	// An output that names the record read (the ledger, or the tree saved
	// beside it) is refused before any work: the record is unchanged.
	ledgerPath := filepath.Join(data, "ledger")
	for _, o := range []struct{ flag, path string }{{"--reconstruction-md", ledgerPath}, {"--reconstruction-json", ledgerPath + ".tree"}, {"--out", ledgerPath}} {
		before, _ := os.ReadFile(o.path)
		args := []string{"report", "daily", "reference", obs, "--day", "2025-06-02", "--registry", data, o.flag, o.path}
		if o.flag != "--out" {
			args = append(args, "--out", html)
		}
		if _, errOut, code := runAccord(t, args...); code == 0 || !strings.Contains(errOut, "names the input") {
			t.Errorf("%s %s: exit %d %s", o.flag, o.path, code, errOut)
		}
		if after, _ := os.ReadFile(o.path); !bytes.Equal(after, before) {
			t.Errorf("%s %s: the record's file changed", o.flag, o.path)
		}
	}

	// A registry whose record does not verify is refused — exit 1, the
	// file, the entry and what is wrong named, nothing written — never
	// reported from what verifies of it (it read as "0 funds, 0
	// projects").
	orig, _ := os.ReadFile(filepath.Join(data, "ledger"))
	tree, _ := os.ReadFile(filepath.Join(data, "ledger.tree"))
	first := int(binary.BigEndian.Uint32(orig)) + 4 // entry 1's frame
	for _, c := range []struct {
		name   string
		change func([]byte) []byte
		tree   bool   // keep the tree saved beside the file
		want   string // "" when it verifies
	}{
		{"the record as written", func(d []byte) []byte { return d }, true, ""},
		{"entry 0's frame damaged", func(d []byte) []byte { d[0] = 0xff; return d }, false, "entry 0 (byte 0): unreadable frame"},
		{"a commitment's amount changed", func(d []byte) []byte {
			i := bytes.Index(d, []byte(`"amount":50000`))
			copy(d[i:], `"amount":90000`)
			return d
		}, false, "its prev hash does not match entry"},
		{"entry 1 dropped", func(d []byte) []byte {
			n := int(binary.BigEndian.Uint32(d[first:])) + 4
			return append(d[:first:first], d[first+n:]...)
		}, false, "entry 1 (byte " + itoa(first) + "): sequence number 2, want 1"},
		{"the last entries cut off", func(d []byte) []byte { return d[:first] }, true, "missing: the checkpoint covers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ledgerPath, js := filepath.Join(dir, "ledger"), filepath.Join(dir, "r.json")
			os.WriteFile(ledgerPath, c.change(bytes.Clone(orig)), 0o644)
			if c.tree {
				os.WriteFile(ledgerPath+".tree", tree, 0o644)
			}
			out, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", filepath.Join(dir, "r.html"),
				"--registry", dir, "--reconstruction-json", js)
			if c.want == "" {
				if code != 0 {
					t.Fatalf("exit %d %s %s", code, out, errOut)
				}
				return
			}
			if code != exitFailure || !strings.Contains(errOut, "--registry: "+ledgerPath) || !strings.Contains(errOut, "does not verify") ||
				!strings.Contains(errOut, c.want) || strings.Contains(errOut, "this is a bug") {
				t.Errorf("exit %d %s; want %d, the file %s and %q", code, errOut, exitFailure, ledgerPath, c.want)
			}
			if _, err := os.Stat(js); err == nil {
				t.Error("the reconstruction section was written from a record that does not verify")
			}
		})
	}
}

// A record that verifies but whose events make no registry (a commitment
// to a fund never registered) is refused as the file's fault, exit 1,
// naming it: not "this is a bug".
func TestDailyReportRegistryThatDoesNotReplay(t *testing.T) {
	data := t.TempDir()
	l, err := ledger.OpenLedger(filepath.Join(data, "ledger"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	eur := reconstruction.Money{Amount: 100, Currency: "EUR"}
	events := []reconstruction.Event{
		{Seq: 1, Type: "project", At: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC),
			Project: &reconstruction.Project{ID: "grid", Sector: "energy", Oblast: "kharkivska", Cost: eur, Implementer: "ukrenergo"}},
		{Seq: 2, Type: "commitment", At: time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC),
			Commitment: &reconstruction.Commitment{ID: "c1", Fund: "never-registered", Project: "grid", Amount: eur}},
	}
	for _, ev := range events {
		b, _ := json.Marshal(ev)
		if _, err := l.AppendAll([]ledger.Entry{{Kind: ledger.KindDerived, Type: funding.TypePrefix + ev.Type, Body: b}}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	obs, _ := simulateTo(t, "--seed", "8", "--duration", "2h", "--rate", "5")
	dir := t.TempDir()
	_, errOut, code := runAccord(t, "report", "daily", "reference", obs, "--day", "2025-06-02", "--out", filepath.Join(dir, "r.html"), "--registry", data)
	if code != exitFailure || !strings.Contains(errOut, "--registry "+filepath.Join(data, "ledger")) || !strings.Contains(errOut, "do not replay") || strings.Contains(errOut, "this is a bug") {
		t.Errorf("exit %d %s; want %d naming the file and that its events do not replay", code, errOut, exitFailure)
	}
}

func second[T any](_ T, err error) error { return err }
