package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The commands that read observations say what one open-source report can
// establish: in their help always, in their summary when every observation
// is one owner's.
func TestOneSourceSaysWhatItCannotEstablish(t *testing.T) {
	mixed, _ := simulateTo(t, "--seed", "2", "--duration", "20m")
	store := filepath.Join(t.TempDir(), "store.ndjson")
	tests := []struct {
		name   string
		args   []string
		want   []string // in stdout
		absent string   // not in stdout
	}{
		{"help of run", []string{"monitor", "run", "--help"}, []string{"What one source can establish", "never\nindependent corroboration", `"0 violations" from such data is the absence of corroborated reports,
not compliance`}, ""},
		{"help of ingest", []string{"monitor", "ingest", "--help"}, []string{"What one source can establish"}, ""},
		{"ACLED with a candidate violation", []string{"monitor", "run", "reference", "--format", "acled", "../../monitor/testdata/acled/three.csv"},
			[]string{"1 violations", "Note: every observation is acled's, one source: never independent corroboration.", "Its 1 violation(s) are candidates for monitors to check, none confirmed"}, ""},
		{"UCDP without violations", []string{"monitor", "run", "reference", "--format", "ucdp", "../../monitor/testdata/ucdp/cases.csv"},
			[]string{"0 violations", "every observation is ucdp's", "0 violations from it is not compliance"}, ""},
		{"ingest of a spreadsheet's ACLED export", []string{"monitor", "ingest", "--format", "acled", "../../monitor/testdata/acled/bom.csv", "--store", store},
			[]string{"1 new", "every observation is acled's", "no violation the agreement acts on"}, ""},
		{"many owners: no note", []string{"monitor", "run", "reference", mixed}, []string{"distinct observations"}, "Note: every observation"},
	}
	for _, tt := range tests {
		out, errOut, code := runAccord(t, tt.args...)
		if code != 0 {
			t.Errorf("%s: exit %d %s", tt.name, code, errOut)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", tt.name, w, out)
			}
		}
		if tt.absent != "" && strings.Contains(out, tt.absent) {
			t.Errorf("%s: stdout has %q:\n%s", tt.name, tt.absent, out)
		}
	}
}
