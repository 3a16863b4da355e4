package scenario_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

// FuzzParse: no input makes the loader panic; a scenario it accepts can be
// compiled and evaluated; an error never comes with a scenario.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/bad", "testdata/good", "../scenarios/ukraine-2025"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("id: a\nparties: [{id: p, veto: true}]\ntracks: [{id: t}]\nissues: [{id: i, track: t, options: [{id: o}, {id: q}]}]\npositions: {p: {batna: 50, issues: {i: {weight: 1, utility: {o: 60}}}}}\nproposals: [{id: x, choices: {i: o}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("fuzz.yaml", data)
		if err != nil {
			if s != nil {
				t.Fatal("scenario returned with an error")
			}
			return
		}
		m := negotiate.Compile(s)
		for i := range s.Proposals {
			m.Evaluate(&s.Proposals[i])
		}
		if len(m.Options) <= 6 {
			m.CountAcceptable(negotiate.Options{Budget: 100000})
		}
	})
}
