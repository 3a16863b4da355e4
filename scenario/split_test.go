package scenario_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
)

const positionsDir = "testdata/positions"

// mustPublic reads testdata/positions/public.yaml.
func mustPublic(tb testing.TB) *accord.Scenario {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(positionsDir, "public.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	pub, err := scenario.ParsePublic("public.yaml", data)
	if err != nil {
		tb.Fatal(err)
	}
	return pub
}

// wantError checks a refusal: a *ValidationError with code invalid, starting
// with the file name and containing want.
func wantError(t *testing.T, err error, file, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error:\n%v\nwant it to contain %q", err, want)
	}
	if !strings.HasPrefix(err.Error(), file) {
		t.Errorf("error does not start with the file name %s: %v", file, err)
	}
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("error is not a ValidationError with code invalid: %T %q", err, accord.ErrorCode(err))
	}
}

// Each file in testdata/positions/bad starts with "# want: TEXT": the
// error of ParsePosition must contain TEXT (file:line:col, field, reason).
func TestParsePositionBad(t *testing.T) {
	pub := mustPublic(t)
	files, _ := filepath.Glob(filepath.Join(positionsDir, "bad", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := wantLine(t, f)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			party, pos, err := scenario.ParsePosition(pub, f, data)
			wantError(t, err, f, want)
			if party != "" || pos != nil {
				t.Errorf("party %q and position %v returned with the error", party, pos)
			}
		})
	}
}

// Each file in testdata/positions/public-bad is refused by ParsePublic.
func TestParsePublicBad(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(positionsDir, "public-bad", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := wantLine(t, f)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := scenario.ParsePublic(f, data)
			wantError(t, err, f, want)
			if s != nil {
				t.Errorf("a public part was returned with the error")
			}
		})
	}
}

// A public part with positions gets one problem for the key, and what is
// under it is not read; the other problems of the file are reported too.
func TestParsePublicReportsEveryProblem(t *testing.T) {
	src := "id: p\nparties: [{id: a, veto: yes}]\npositions:\n  zz: {bogus: 1}\n"
	_, err := scenario.ParsePublic("p.yaml", []byte(src))
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("want 2 problems (veto, positions), got:\n%v", err)
	}
	if strings.Contains(err.Error(), "zz") || strings.Contains(err.Error(), "bogus") {
		t.Errorf("the positions' content was read: %v", err)
	}
}

func TestParsePositionReportsEveryProblem(t *testing.T) {
	src := "negotiation: other\nparty: west\nbatna: x\nissues: {valley: {weight: -1, utility: {east: 200}}}\nsequencing: [{first: a, then: b}]\n"
	_, _, err := scenario.ParsePosition(mustPublic(t), "p.yaml", []byte(src))
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if len(ve.Problems) != 7 {
		t.Errorf("got %d problems, want 7:\n%v", len(ve.Problems), err)
	}
}

// A position file means what the same lines mean under positions.PARTY of
// a whole scenario: the good files of testdata/positions, indented under
// positions: after public.yaml, parse to what Join gives.
func TestPositionFileMeansTheSameLines(t *testing.T) {
	pubData, err := os.ReadFile(filepath.Join(positionsDir, "public.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pub := mustPublic(t)
	files, _ := filepath.Glob(filepath.Join(positionsDir, "good", "*.yaml"))
	if len(files) < 3 {
		t.Fatal("want at least three good position files")
	}
	whole := string(pubData) + "positions:\n"
	positions := map[string]*accord.Position{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		party, pos, err := scenario.ParsePosition(pub, f, data)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := positions[party]; dup {
			t.Fatalf("two good files for %s", party)
		}
		positions[party] = pos
		whole += "  " + party + ":\n"
		for line := range strings.Lines(string(data)) {
			if strings.HasPrefix(line, "negotiation:") || strings.HasPrefix(line, "party:") {
				continue
			}
			whole += "    " + line
		}
	}
	want, err := scenario.Parse("whole.yaml", []byte(whole))
	if err != nil {
		t.Fatalf("%v\n%s", err, whole)
	}
	got, err := scenario.Join(pub, positions)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("joined scenario differs from the whole one:\n%+v\n%+v", got, want)
	}
	if len(pub.Positions) != 0 {
		t.Errorf("Join changed the public part")
	}
}

func TestJoinRefuses(t *testing.T) {
	pub := mustPublic(t)
	if _, err := scenario.Join(pub, map[string]*accord.Position{"west": {}}); err == nil || !strings.Contains(err.Error(), `"west", which is not a party`) {
		t.Errorf("unknown party: %v", err)
	}
	if _, err := scenario.Join(pub, map[string]*accord.Position{"north": nil}); err == nil {
		t.Errorf("nil position: no error")
	}
	whole, err := scenario.Join(pub, map[string]*accord.Position{"north": {BATNA: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.Join(whole, nil); err == nil || !strings.Contains(err.Error(), "already holds positions") {
		t.Errorf("public part with positions: %v", err)
	}
	if _, _, err := scenario.Split(&accord.Scenario{ID: "x", Positions: map[string]*accord.Position{"ghost": {}}}); err == nil {
		t.Errorf("Split of a position for no party: no error")
	}
}

// corpus is every scenario the split must keep whole: the good test files,
// the embedded reference and random scenarios with red lines, interactions,
// sequencing and proposals.
func corpus(t *testing.T) map[string]*accord.Scenario {
	t.Helper()
	out := map[string]*accord.Scenario{}
	files, _ := filepath.Glob("testdata/good/*.yaml")
	for _, f := range files {
		s, err := scenario.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = s
	}
	ref, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		t.Fatal(err)
	}
	if out[scenarios.ReferenceScenario], err = scenario.Parse(scenarios.ReferenceScenario, ref); err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 50; seed++ {
		s := randScenario(seed)
		// Through Format and Parse, so that it is what a file gives.
		data, err := scenario.Format(s)
		if err != nil {
			t.Fatal(err)
		}
		if out[s.ID], err = scenario.Parse(s.ID, data); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, data)
		}
	}
	return out
}

// splitAndJoin splits s, reads the parts back as files are read, and joins
// them.
func splitAndJoin(t *testing.T, name string, s *accord.Scenario) *accord.Scenario {
	t.Helper()
	pubData, posData, err := scenario.Split(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	pub, err := scenario.ParsePublic("public.yaml", pubData)
	if err != nil {
		t.Fatalf("%s: the public part does not parse: %v\n%s", name, err, pubData)
	}
	positions := map[string]*accord.Position{}
	for pid, data := range posData {
		party, pos, err := scenario.ParsePosition(pub, pid+".yaml", data)
		if err != nil {
			t.Fatalf("%s: position %s does not parse: %v\n%s", name, pid, err, data)
		}
		if party != pid {
			t.Errorf("%s: file of %s says party %s", name, pid, party)
		}
		positions[party] = pos
	}
	if len(posData) != len(s.Positions) {
		t.Errorf("%s: %d position files for %d positions", name, len(posData), len(s.Positions))
	}
	whole, err := scenario.Join(pub, positions)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return whole
}

// Splitting a scenario and joining its parts back changes nothing: the same
// value, the same analysis (byte for byte in JSON) and the same sequencing
// cycles.
func TestSplitJoinCorpus(t *testing.T) {
	for name, s := range corpus(t) {
		whole := splitAndJoin(t, name, s)
		if !reflect.DeepEqual(whole, s) {
			t.Errorf("%s: split and join changed the scenario", name)
		}
		if got, want := analysis(t, whole), analysis(t, s); !bytes.Equal(got, want) {
			t.Errorf("%s: analysis differs after split and join:\n%s\nwant\n%s", name, got, want)
		}
		if got, want := negotiate.SequencingCycles(whole), negotiate.SequencingCycles(s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: sequencing cycles %v, want %v", name, got, want)
		}
		// Deterministic bytes.
		p1, q1, _ := scenario.Split(s)
		p2, q2, _ := scenario.Split(whole)
		if !bytes.Equal(p1, p2) || !reflect.DeepEqual(q1, q2) {
			t.Errorf("%s: Split is not deterministic", name)
		}
	}
}

func analysis(t *testing.T, s *accord.Scenario) []byte {
	t.Helper()
	a, err := negotiate.Compile(s).Analyze(negotiate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a.Report())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randScenario builds a small scenario of one seed: up to 6 issues of up to
// 4 options, up to 5 parties, with red lines, interactions, sequencing
// demands (cycles among them), partial proposals and parties without a
// position.
func randScenario(seed uint64) *accord.Scenario {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	s := &accord.Scenario{ID: fmt.Sprintf("rand-%d", seed), Title: "random", Positions: map[string]*accord.Position{}}
	nt := 1 + r.IntN(3)
	for i := range nt {
		s.Tracks = append(s.Tracks, accord.Track{ID: fmt.Sprintf("t%d", i), Name: "track"})
	}
	for i := range 1 + r.IntN(6) {
		is := accord.Issue{ID: fmt.Sprintf("i%d", i), Track: s.Tracks[r.IntN(nt)].ID, Question: "?"}
		for o := range 1 + r.IntN(4) {
			opt := accord.Option{ID: fmt.Sprintf("o%d", o), Label: "option", Nature: accord.NaturePermanent}
			if r.IntN(4) == 0 {
				opt.Nature, opt.Instruments = accord.NatureTemporary, []string{"snapback"}
			}
			is.Options = append(is.Options, opt)
		}
		s.Issues = append(s.Issues, is)
	}
	np := 1 + r.IntN(5)
	for p := range np {
		party := accord.Party{ID: fmt.Sprintf("p%d", p), Veto: r.IntN(4) != 0, Roles: map[string]string{}}
		if r.IntN(2) == 0 {
			party.Roles[s.Tracks[0].ID] = accord.RoleNegotiator
		}
		s.Parties = append(s.Parties, party)
		if r.IntN(6) == 0 {
			continue // no position
		}
		pos := &accord.Position{BATNA: float64(r.IntN(60)), Issues: map[string]accord.IssuePosition{}}
		for _, is := range s.Issues {
			if r.IntN(5) == 0 {
				continue
			}
			ip := accord.IssuePosition{Weight: float64(r.IntN(10)) / 2, Utility: map[string]float64{}}
			for _, o := range is.Options {
				if r.IntN(6) != 0 {
					ip.Utility[o.ID] = min(100, float64(r.IntN(101))+float64(r.IntN(4))/4)
				}
			}
			if r.IntN(4) == 0 {
				ip.RedLines = []string{is.Options[r.IntN(len(is.Options))].ID}
			}
			pos.Issues[is.ID] = ip
		}
		for range r.IntN(3) {
			is := s.Issues[r.IntN(len(s.Issues))]
			pos.Interactions = append(pos.Interactions, accord.Interaction{
				When:  map[string]string{is.ID: is.Options[r.IntN(len(is.Options))].ID},
				Bonus: float64(r.IntN(41) - 20),
			})
		}
		for range r.IntN(3) {
			pos.Sequencing = append(pos.Sequencing, accord.SequencingDemand{First: s.Tracks[r.IntN(nt)].ID, Then: s.Tracks[r.IntN(nt)].ID})
		}
		if r.IntN(3) == 0 {
			pos.Sources = []string{"seed", "yes"}
		}
		s.Positions[party.ID] = pos
	}
	for j := range r.IntN(4) {
		pr := accord.Proposal{ID: fmt.Sprintf("x%d", j), Title: "proposal", By: s.Parties[r.IntN(np)].ID, Choices: map[string]string{}}
		for _, is := range s.Issues {
			if r.IntN(5) != 0 {
				pr.Choices[is.ID] = is.Options[r.IntN(len(is.Options))].ID
			}
		}
		s.Proposals = append(s.Proposals, pr)
	}
	return s
}
