package agreement_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
)

// file is an agreement of id whose second phase opens on entry.
func file(id, entry string) agreement.File {
	return agreement.File{Name: id + ".yaml", Data: []byte(fmt.Sprintf(`agreement: %s
parties: [ua, ru]
roles: [{actor: us, role: guarantor}]
provisions:
  - {id: p1, obliged: [ua, ru], after: signature, within: 14d}
phases:
  - {id: one, entry: "true"}
  - {id: two, entry: %q}
consultation: {response_days: 3, joint_days: 15, ministers_days: 15, advisory_days: 5, quorum: 1}
`, id, entry))}
}

func TestParseSet(t *testing.T) {
	tests := []struct {
		name  string
		files []agreement.File
		want  []string // parts of the error; none: valid
		order string   // the settling order, when valid
	}{
		{"independent", []agreement.File{file("a", "true"), file("b", "true")}, nil, "a b"},
		{"a reads b", []agreement.File{file("a", "phase(b/two) == open"), file("b", "true")}, nil, "b a"},
		{"a chain of three, ties in the order given", []agreement.File{file("a", "agreement(c) == in_force"), file("b", "true"), file("c", "since(b/signature) >= 60d and violations(agreement=b, severity>=major, within=60d) == 0")}, nil, "b c a"},
		{"a provision's after in another agreement", []agreement.File{agreement.File{Name: "a.yaml", Data: []byte(strings.Replace(string(file("a", "true").Data), "after: signature", "after: b/phase:two", 1))}, file("b", "true")}, nil, "b a"},
		{"a cycle of two", []agreement.File{file("a", "phase(b/two) == open"), file("b", "provision(a/p1) == done")},
			[]string{"a cycle between agreements: a -> b -> a (a.yaml: line 8: phases[1] (two).entry, column 7, reads b; b.yaml: line 8: phases[1] (two).entry, column 11, reads a): each must be settled after the other, so none can be"}, ""},
		{"a cycle of three", []agreement.File{file("a", "phase(b/two) == open"), file("b", "agreement(c) == in_force"), file("c", "findings(agreement=a) == 0")},
			[]string{"a cycle between agreements: a -> b -> c -> a (a.yaml: line 8: phases[1] (two).entry, column 7, reads b; b.yaml: line 8: phases[1] (two).entry, column 11, reads c; c.yaml: line 8: phases[1] (two).entry, column 20, reads a): each must be settled after the one it reads, so none can be"}, ""},
		{"unknown agreement", []agreement.File{file("a", "phase(x/two) == open"), file("b", "true")},
			[]string{`a.yaml: line 8: phases[1] (two).entry: column 7: unknown agreement "x" (the set has b)`}, ""},
		{"unknown phase of a known agreement", []agreement.File{file("a", "true"), file("b", "since(a/phase:three) > 1d")},
			[]string{`b.yaml: line 8: phases[1] (two).entry: column 9: no event "phase:three"`}, ""},
		{"the agreement itself", []agreement.File{file("a", "phase(a/one) == open"), file("b", "true")},
			[]string{`a.yaml: line 8: phases[1] (two).entry: column 7: "a" is this agreement: leave the qualifier out`}, ""},
		{"duplicate ids", []agreement.File{file("a", "true"), file("b", "true"), {Name: "a2.yaml", Data: file("a", "true").Data}},
			[]string{`a2.yaml: line 1: agreement: "a" is the id of a.yaml too: the agreements of a set need different ids`}, ""},
		{"an id with a slash", []agreement.File{file("a/1", "true"), file("b", "true")},
			[]string{`a/1.yaml: line 1: agreement: "a/1": the id of an agreement of a set may not contain '/'`}, ""},
		{"several files invalid", []agreement.File{file("a", "phase(b/three) == open"), file("b", "phase(a/four) == open")},
			[]string{`a.yaml: line 8: phases[1] (two).entry: column 9: no phase "three"`, `b.yaml: line 8: phases[1] (two).entry: column 9: no phase "four"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as, err := agreement.ParseSet(tt.files...)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				order, err := agreement.SetOrder(as)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, i := range order {
					ids = append(ids, as[i].ID)
				}
				if got := strings.Join(ids, " "); got != tt.order {
					t.Errorf("order %s, want %s", got, tt.order)
				}
				return
			}
			if err == nil || accord.ErrorCode(err) != accord.EINVALID {
				t.Fatalf("accepted, or not EINVALID: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nwant %q", err, w)
				}
			}
		})
	}
}

// A file that names other agreements is refused alone, with the column of
// each name and the agreements it needs; CheckSet refuses a set that lacks
// one and SetOrder a cycle.
func TestAloneAndCheckSet(t *testing.T) {
	f := file("a", "phase(b/two) == open and agreement(c) != pending")
	_, err := agreement.Parse(f.Name, f.Data)
	for _, w := range []string{
		`line 8: phases[1] (two).entry: column 7: unknown agreement "b": the agreement is checked alone (check it together with b's file, as a set)`,
		"line 1: agreement: its conditions refer to other agreements: it needs b, c; check it together with their files, as a set (accord agreement check a.yaml OTHER.yaml...)",
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("alone: %v\nwant %q", err, w)
		}
	}
	as, err := agreement.ParseSet(f, file("b", "true"), file("c", "true"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(as[0].Needs(), as[0].Refs()); got != "[b c] [{b phases[1] (two).entry 7} {c phases[1] (two).entry 36}]" {
		t.Errorf("needs and refs: %s", got)
	}
	if err := agreement.CheckSet(as[:2]); err == nil || !strings.Contains(err.Error(), `a.yaml: line 8: phases[1] (two).entry: column 36: unknown agreement "c" (the set has b)`) {
		t.Errorf("without c: %v", err)
	}
	if err := agreement.CheckSet(as); err != nil {
		t.Error(err)
	}
	cyc, err := agreement.ParseSet(file("a", "phase(b/two) == open"), file("b", "true"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := agreement.ParseSet(file("a", "true"), file("b", "phase(a/two) == open"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreement.SetOrder([]*agreement.Agreement{cyc[0], back[1]}); err == nil || !strings.Contains(err.Error(), "a -> b -> a") {
		t.Errorf("order of a cycle: %v", err)
	}
	if err := agreement.CheckSet([]*agreement.Agreement{cyc[0], back[1]}); err == nil || !strings.Contains(err.Error(), "a cycle between agreements: a -> b -> a") {
		t.Errorf("check of a cycle: %v", err)
	}
}
