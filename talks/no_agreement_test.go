package talks

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

// TestNoAgreementFourRedLinesNotReservation: when nothing is acceptable
// because four red lines block every package (more than the three the
// conflicts list holds), Propose said "the reservation values conflict",
// though every package meets every BATNA once those red lines are lifted.
func TestNoAgreementFourRedLinesNotReservation(t *testing.T) {
	s, err := scenario.Parse("four", []byte(`id: four
title: four red lines
parties:
  - {id: a, name: A, veto: true}
  - {id: b, name: B, veto: true}
tracks:
  - {id: t, name: T}
issues:
  - {id: i1, track: t, options: [{id: x}]}
  - {id: i2, track: t, options: [{id: x}]}
  - {id: i3, track: t, options: [{id: x}]}
  - {id: i4, track: t, options: [{id: x}]}
positions:
  a:
    issues:
      i1: {weight: 1, utility: {x: 50}, red_lines: [x]}
      i2: {weight: 1, utility: {x: 50}, red_lines: [x]}
      i3: {weight: 1, utility: {x: 50}, red_lines: [x]}
      i4: {weight: 1, utility: {x: 50}, red_lines: [x]}
  b:
    issues:
      i1: {weight: 1, utility: {x: 50}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c := negotiate.Compile(s).Conflicts(negotiate.Options{}); c.Reservation || c.MinSize != 4 || !c.Exact {
		t.Fatalf("conflicts %+v, want the least blocking set of 4 red lines, no reservation conflict", c)
	}
	n := opened(t, s, MethodCommon)
	_, err = n.Propose(MethodCommon, negotiate.Options{})
	if err == nil {
		t.Fatal("Propose found a text though nothing is acceptable")
	}
	if strings.Contains(err.Error(), "reservation values conflict") || !strings.Contains(err.Error(), "4 red line") {
		t.Errorf("Propose: %v\nwant: 4 red lines block agreement, not a conflict of reservation values", err)
	}
}
