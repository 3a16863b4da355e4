package engine

import (
	"os"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/cond"
)

// agreement(ID) is pending until the agreement is in force, in_force, then
// snapback while a snapback is in effect; a lone engine knows no other
// agreement.
func TestAgreementStatus(t *testing.T) {
	var files []agreement.File
	for _, n := range []string{"ceasefire", "grain-corridor", "prisoner-exchange"} {
		data, err := os.ReadFile("testdata/set/" + n + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, agreement.File{Name: n, Data: data})
	}
	as, err := agreement.ParseSet(files...)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/set/violation.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log, err := ReadLog(f, "violation.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSet(as...)
	if err != nil {
		t.Fatal(err)
	}
	names := as[0].Names()
	names.Agreements = map[string]cond.Names{"grain-corridor": as[1].Names(), "prisoner-exchange": as[2].Names()}
	want := map[int]string{0: "pending", 1: "pending", 2: "in_force", 12: "in_force", 13: "snapback", 15: "snapback"}
	for n := 0; n <= len(log); n++ {
		if n > 0 {
			if err := s.Apply(log[n-1]); err != nil {
				t.Fatal(err)
			}
		}
		w, ok := want[n]
		if !ok {
			continue
		}
		rec := record{a: as[0], s: &s.engines[0].state, items: &items{}, set: s}
		if got := rec.AgreementStatus("grain-corridor"); got != w {
			t.Errorf("after %d entries: %s, want %s", n, got, w)
		}
		for _, st := range cond.AgreementStatuses {
			e, err := cond.Parse("agreement(grain-corridor) == " + st)
			if err == nil {
				err = cond.Check(e, names)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cond.Eval(e, rec); got != (st == w) {
				t.Errorf("after %d entries: %s is %v", n, e, got)
			}
			alone := record{a: as[0], s: &s.engines[0].state, items: &items{}}
			if cond.Eval(e, alone) || alone.AgreementStatus("grain-corridor") != "" || alone.Other("grain-corridor") != nil {
				t.Errorf("alone: %s holds", e)
			}
		}
		if rec.AgreementStatus("no-such") != "" || rec.Other("no-such") != nil {
			t.Error("an unknown agreement answered")
		}
	}
}
