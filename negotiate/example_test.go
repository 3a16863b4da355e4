package negotiate_test

import (
	"fmt"

	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
)

func Example() {
	s, err := scenario.Parse("example.yaml", []byte(`
id: example
parties:
  - {id: a, veto: true}
  - {id: b, veto: true}
tracks: [{id: t}]
issues:
  - {id: border, track: t, options: [{id: a-line}, {id: de-facto}, {id: b-line}]}
  - {id: relief, track: t, options: [{id: none}, {id: phased-snapback}, {id: full}]}
positions:
  a:
    batna: 40
    issues:
      border: {weight: 2, utility: {a-line: 100, de-facto: 50}, red_lines: [b-line]}
      relief: {weight: 1, utility: {none: 100, phased-snapback: 60, full: 0}}
  b:
    batna: 40
    issues:
      border: {weight: 2, utility: {b-line: 100, de-facto: 60}, red_lines: [a-line]}
      relief: {weight: 1, utility: {full: 100, phased-snapback: 70}}
proposals:
  - {id: maximal-a, choices: {border: a-line, relief: none}}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := negotiate.Compile(s)
	fmt.Println("acceptable packages:", m.CountAcceptable(negotiate.Options{}).Value)
	nash, _ := m.Solve(negotiate.ConceptNash, negotiate.Options{})
	fmt.Printf("nash: %v (product %.2f)\n", nash.Package, nash.Value)
	b := m.BridgeProposal(&s.Proposals[0], negotiate.Options{})
	fmt.Printf("bridge from maximal-a: %d change(s) %v\n", b.Changes, b.Changed)
	// Border must be de-facto (each line is the other's red line). With
	// weights 2/3 and 1/3: a gets 33.3 + {none 33.3, phased 20, full 0},
	// b gets 40 + {none 0, phased 23.3, full 33.3}; a's BATNA rules out full.
	// Nash: (66.7−40)(40−40) = 0 against (53.3−40)(63.3−40) = 311.1.
	//
	// Output:
	// acceptable packages: 2
	// nash: map[border:de-facto relief:phased-snapback] (product 311.11)
	// bridge from maximal-a: 1 change(s) [border]
}
