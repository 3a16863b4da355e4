package scenario

import (
	"bytes"
	"errors"
	"io"

	"github.com/accord-peace/accord"
	"go.yaml.in/yaml/v3"
)

// Parse reads one scenario document. name is used in error messages only.
// On any problem it returns a *ValidationError and a nil scenario.
func Parse(name string, data []byte) (*accord.Scenario, error) {
	r := &reader{file: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.addf(nil, "", "empty file: a scenario needs at least an id")
		} else {
			r.problems = append(r.problems, yamlProblem(name, err))
		}
		return nil, &ValidationError{Problems: r.problems}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		r.addf(&extra, "", "a scenario file holds one YAML document; found a second one")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	s := r.scenario(root)
	if len(r.problems) > 0 {
		return nil, &ValidationError{Problems: r.problems}
	}
	return s, nil
}

// yamlProblem turns a YAML syntax error into a located problem.
func yamlProblem(name string, err error) Problem {
	p := Problem{File: name, Msg: "YAML syntax: " + err.Error()}
	var line int
	if n, _ := sscanLine(err.Error(), &line); n == 1 {
		p.Line, p.Column = line, 1
	}
	return p
}

// scenario reads the root mapping: definitions first (parties, tracks,
// issues), then what refers to them (positions, proposals).
func (r *reader) scenario(root *yaml.Node) *accord.Scenario {
	fields, ok := r.mapping(root, "", "id", "title", "description", "parties", "tracks", "issues", "positions", "proposals", "sources")
	if !ok || fields == nil {
		if ok {
			r.addf(root, "", "empty scenario: it needs at least an id")
		}
		return nil
	}
	get := func(k string) *yaml.Node {
		for _, f := range fields {
			if f.key == k {
				return f.value
			}
		}
		return nil
	}
	s := &accord.Scenario{Positions: map[string]*accord.Position{}}
	if n := get("id"); n != nil {
		s.ID, _ = r.id(n, "id", true)
	} else {
		r.addf(root, "id", "missing: every scenario needs an id")
	}
	if n := get("title"); n != nil {
		s.Title, _ = r.str(n, "title")
	}
	d := &defs{parties: map[string]int{}, tracks: map[string]int{}, issues: map[string]int{}}
	s.Tracks = r.tracks(get("tracks"), d)
	s.Parties = r.parties(get("parties"), d)
	// A scenario without issues is legal (its one package is the empty one).
	s.Issues = r.issues(get("issues"), d)
	if n := get("positions"); n != nil {
		r.positions(n, s, d)
	}
	s.Proposals = r.proposals(get("proposals"), s, d)
	return s
}

// defs indexes what the file defines, for reference checks.
type defs struct {
	parties, tracks, issues map[string]int
}
