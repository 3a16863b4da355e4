package scenario

import (
	"github.com/accord-peace/accord"
	"go.yaml.in/yaml/v3"
)

// A negotiation can be kept in two parts (docs/scenario.md, Public part and
// position files): the public part, a scenario without positions, and one
// confidential position file per party. A position file is a mapping with a
// header (negotiation, party) and then exactly the fields of an entry under
// positions.PARTY, read by the same code (reader.positionOf), so the same
// lines mean the same thing in either place.

// ParsePublic reads the public part of a negotiation: a scenario file that
// holds no positions key. name is used in error messages only. On any
// problem it returns a *ValidationError and a nil scenario.
func ParsePublic(name string, data []byte) (*accord.Scenario, error) {
	return parseScenario(name, data, true)
}

// ParsePosition reads one party's position file against the public part of
// its negotiation: its negotiation must be public's id, its party one of
// public's parties, and every issue, option and track it names must be
// public's. name is used in error messages only. It returns the party and
// its position; on any problem, a *ValidationError listing every problem
// found, and no party nor position.
func ParsePosition(public *accord.Scenario, name string, data []byte) (party string, pos *accord.Position, err error) {
	r := &reader{file: name}
	if public == nil {
		r.addf(nil, "", "no public part to read the position against")
		return "", nil, &ValidationError{Problems: r.problems}
	}
	root := r.document(data, "a position", "a position file needs negotiation and party")
	if root != nil {
		party, pos = r.positionFile(root, public)
	}
	if len(r.problems) > 0 {
		return "", nil, &ValidationError{Problems: r.problems}
	}
	return party, pos, nil
}

// positionFile reads the root mapping of a position file.
func (r *reader) positionFile(root *yaml.Node, public *accord.Scenario) (string, *accord.Position) {
	root = resolve(root)
	if root.Kind != yaml.MappingNode {
		if isNull(root) {
			r.addf(root, "", "empty position file: it needs negotiation and party")
		} else {
			r.addf(root, "", "a position file must be a mapping (negotiation, party, batna, issues, ...), got %s", kindName(root))
		}
		return "", nil
	}
	fields, _ := r.mapping(root, "", append([]string{"negotiation", "party"}, positionFields...)...)
	var party string
	var rest []field
	seen := map[string]bool{}
	for _, f := range fields {
		seen[f.key] = true
		switch f.key {
		case "negotiation":
			if id, ok := r.str(f.value, f.key); ok && id != public.ID {
				r.addf(f.value, f.key, "this position belongs to negotiation %q, not to %q (the public part's id)", id, public.ID)
			}
		case "party":
			if id, ok := r.str(f.value, f.key); ok {
				if _, known := public.Party(id); !known {
					r.addf(f.value, f.key, "unknown party %q (the public part's parties: %s)", id, partyList(public))
				} else {
					party = id
				}
			}
		default:
			rest = append(rest, f)
		}
	}
	for _, k := range []string{"negotiation", "party"} {
		if !seen[k] {
			r.addf(root, k, "missing: a position file names its negotiation and its party")
		}
	}
	return party, r.positionOf(rest, "", public, publicDefs(public))
}

// publicDefs indexes the definitions of a parsed scenario, as the reader
// does while it reads one.
func publicDefs(s *accord.Scenario) *defs {
	d := &defs{parties: map[string]int{}, tracks: map[string]int{}, issues: map[string]int{}}
	for i, p := range s.Parties {
		d.parties[p.ID] = i
	}
	for i, t := range s.Tracks {
		d.tracks[t.ID] = i
	}
	for i, is := range s.Issues {
		d.issues[is.ID] = i
	}
	return d
}

func partyList(s *accord.Scenario) string {
	if len(s.Parties) == 0 {
		return "none"
	}
	out := ""
	for i, p := range s.Parties {
		if i > 0 {
			out += ", "
		}
		out += p.ID
	}
	return out
}
