package scenario_test

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/scenario"
)

// Each file in testdata/bad starts with "# want: TEXT": the error must
// contain TEXT (its file:line:col, field path and reason).
func TestParseBad(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.yaml")
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := wantLine(t, f)
			s, err := scenario.Load(f)
			if err == nil {
				t.Fatalf("no error; want %q", want)
			}
			if s != nil {
				t.Errorf("a scenario was returned with the error")
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, want)
			}
			if !strings.HasPrefix(err.Error(), f) {
				t.Errorf("error does not start with the file name: %v", err)
			}
			var ve *scenario.ValidationError
			if !errors.As(err, &ve) || accord.ErrorCode(err) != accord.EINVALID {
				t.Errorf("error is not a ValidationError with code invalid: %T %q", err, accord.ErrorCode(err))
			}
		})
	}
}

func wantLine(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	w, ok := strings.CutPrefix(sc.Text(), "# want: ")
	if !ok {
		t.Fatalf("%s: first line must be '# want: ...'", path)
	}
	return w
}

func TestParseYAML12(t *testing.T) {
	s, err := scenario.Load("testdata/good/yaml12.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Issues[0].ID; got != "yes" {
		t.Errorf("issue id = %q, want yes", got)
	}
	var ids []string
	for _, o := range s.Issues[0].Options {
		ids = append(ids, o.ID)
	}
	if strings.Join(ids, ",") != "no,on,1" {
		t.Errorf("option ids = %v, want no,on,1", ids)
	}
	if s.Issues[0].Options[1].Nature != accord.NatureTemporary || s.Issues[0].Options[0].Nature != accord.NaturePermanent {
		t.Errorf("natures = %q %q", s.Issues[0].Options[0].Nature, s.Issues[0].Options[1].Nature)
	}
	ua := s.Positions["ua"]
	if ua.BATNA != 10 {
		t.Errorf("batna 0x0A = %v, want 10", ua.BATNA)
	}
	ip := ua.Issues["yes"]
	if ip.Weight != 10 || ip.Utility["1"] != 100 || ip.Utility["on"] != 50 || len(ip.RedLines) != 1 || ip.RedLines[0] != "no" {
		t.Errorf("issue position = %+v", ip)
	}
	if s.Positions["1"].Issues["yes"].Weight != 10 {
		t.Errorf("alias not followed: %+v", s.Positions["1"])
	}
	if _, ok := s.Positions["no"]; ok {
		t.Errorf("party without positions got one")
	}
	if got := s.Proposals[0].Choices["yes"]; got != "on" {
		t.Errorf("choice = %q, want on", got)
	}
	if _, ok := s.Proposals[1].Choices["yes"]; ok {
		t.Errorf("null choice should be undecided")
	}
	if s.Parties[0].Veto != true || s.Parties[1].Veto != false {
		t.Errorf("veto flags wrong")
	}
	if len(s.Positions["1"].Sequencing) != 1 {
		t.Errorf("sequencing not read")
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := "id: t\nparties: [{id: a, veto: 3}, {id: B}]\ntracks: [{id: x}]\nissues: [{id: i, track: y, options: [{id: o}]}]\n"
	_, err := scenario.Parse("s.yaml", []byte(src))
	var ve *scenario.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if len(ve.Problems) != 3 {
		t.Errorf("got %d problems, want 3:\n%v", len(ve.Problems), err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := scenario.Load("testdata/nope")
	if accord.ErrorCode(err) != accord.ENOTFOUND {
		t.Errorf("code = %q, want not_found (%v)", accord.ErrorCode(err), err)
	}
}

func TestParseMinimal(t *testing.T) {
	s, err := scenario.Load("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "bare" || len(s.Issues) != 0 || len(s.Parties) != 0 {
		t.Errorf("got %+v", s)
	}
}
