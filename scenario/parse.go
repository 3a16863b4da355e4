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
	return parseScenario(name, data, false)
}

// parseScenario reads a scenario, or a public part (no positions) when
// public is set.
func parseScenario(name string, data []byte, public bool) (*accord.Scenario, error) {
	r := &reader{file: name}
	root := r.document(data, "a scenario", "a scenario needs at least an id")
	if root == nil {
		return nil, &ValidationError{Problems: r.problems}
	}
	s := r.scenario(root, public)
	if len(r.problems) > 0 {
		return nil, &ValidationError{Problems: r.problems}
	}
	return s, nil
}

// document decodes the one YAML document of a file (what names the file's
// kind; empty says what it needs) and returns its root node, or nil when
// the file is empty or is not YAML.
func (r *reader) document(data []byte, what, empty string) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.addf(nil, "", "empty file: %s", empty)
		} else {
			r.problems = append(r.problems, yamlProblem(r.file, err))
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		r.addf(&extra, "", "%s file holds one YAML document; found a second one", what)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	return root
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
// issues), then what refers to them (positions, proposals). A public part
// (public set) may hold no positions.
func (r *reader) scenario(root *yaml.Node, public bool) *accord.Scenario {
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
	for _, f := range fields {
		if f.key != "positions" {
			continue
		}
		if public {
			r.addf(f.keyN, "positions", "a public part holds no positions; put each party's position in its own position file (docs/scenario.md, Public part and position files)")
		} else {
			r.positions(f.value, s, d)
		}
	}
	s.Proposals = r.proposals(get("proposals"), s, d)
	return s
}

// defs indexes what the file defines, for reference checks.
type defs struct {
	parties, tracks, issues map[string]int
}
