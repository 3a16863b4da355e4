package scenario_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/accord-peace/accord"
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

// FuzzParsePosition: no input makes ParsePosition panic; an error never
// comes with a party or a position; a position it accepts, written again by
// Split and read back, is the same.
func FuzzParsePosition(f *testing.F) {
	for _, dir := range []string{"testdata/positions/good", "testdata/positions/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("negotiation: border-demo\nparty: un\nbatna: 0x10\nissues: {valley: &a {weight: 1, utility: {north: 1e1}}, monitors: *a}\n"))
	pub := mustPublic(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		party, pos, err := scenario.ParsePosition(pub, "fuzz.yaml", data)
		if err != nil {
			if party != "" || pos != nil {
				t.Fatal("a party or a position returned with an error")
			}
			return
		}
		whole, err := scenario.Join(pub, map[string]*accord.Position{party: pos})
		if err != nil {
			t.Fatal(err)
		}
		_, files, err := scenario.Split(whole)
		if err != nil {
			t.Fatal(err)
		}
		party2, pos2, err := scenario.ParsePosition(pub, party+".yaml", files[party])
		if err != nil {
			t.Fatalf("the written position does not parse: %v\n%s", err, files[party])
		}
		if party2 != party || !reflect.DeepEqual(pos2, pos) {
			t.Fatalf("written and read again, the position changed:\n%+v\n%+v\n%s", pos, pos2, files[party])
		}
	})
}
