package scenario

import (
	"go.yaml.in/yaml/v3"
	"math"
	"slices"

	"github.com/accord-peace/accord"
)

func (r *reader) positions(n *yaml.Node, s *accord.Scenario, d *defs) {
	fields, _ := r.mapping(n, "positions")
	for _, f := range fields {
		path := join("positions", f.key)
		if _, ok := d.parties[f.key]; !ok {
			r.addf(f.keyN, path, "unknown party %q", f.key)
			continue
		}
		if p := r.position(f.value, path, s, d); p != nil {
			s.Positions[f.key] = p
		}
	}
}

// positionFields are the fields of a position: of an entry under
// positions.PARTY in a scenario, and of a position file after its header.
var positionFields = []string{"batna", "issues", "interactions", "sequencing", "sources", "notes"}

// position reads the entry of one party under positions.
func (r *reader) position(n *yaml.Node, path string, s *accord.Scenario, d *defs) *accord.Position {
	fields, ok := r.mapping(n, path, positionFields...)
	if !ok {
		return nil
	}
	return r.positionOf(fields, path, s, d)
}

// positionOf reads a position from the fields of its mapping. Both a
// scenario's positions and position files (position.go) go through it, so a
// position means the same in either.
func (r *reader) positionOf(fields []field, path string, s *accord.Scenario, d *defs) *accord.Position {
	p := &accord.Position{Issues: map[string]accord.IssuePosition{}}
	for _, f := range fields {
		fp := join(path, f.key)
		switch f.key {
		case "batna":
			if !isNull(f.value) {
				p.BATNA, p.BATNARange, _ = r.numberOrRange(f.value, fp, bounds{what: "batna", hasMin: true, hasMax: true, min: -MaxMagnitude, max: MaxMagnitude})
			}
		case "issues":
			issueFields, _ := r.mapping(f.value, fp)
			for _, inf := range issueFields {
				ip := join(fp, inf.key)
				i, ok := d.issues[inf.key]
				if !ok {
					r.addf(inf.keyN, ip, "unknown issue %q", inf.key)
					continue
				}
				if pos, ok := r.issuePosition(inf.value, ip, &s.Issues[i]); ok {
					p.Issues[inf.key] = pos
				}
			}
			// Weights are normalised over the party's issues: a sum that
			// overflows would make every weight 0, and the party's utility
			// 0 for every package, without a word.
			sum := 0.0
			for _, ip := range p.Issues {
				sum += ip.Weight
				if ip.WeightRange != nil {
					sum += ip.WeightRange[1]
				}
			}
			if math.IsInf(sum, 0) {
				r.addf(f.value, fp, "the weights sum past the largest number (%g): only their ratios count, so scale them down", math.MaxFloat64)
			}
		case "interactions":
			for i, item := range r.sequence(f.value, fp) {
				if in, ok := r.interaction(item, index(fp, i), s, d); ok {
					p.Interactions = append(p.Interactions, in)
				}
			}
		case "sequencing":
			for i, item := range r.sequence(f.value, fp) {
				if sd, ok := r.sequencing(item, index(fp, i), d); ok {
					p.Sequencing = append(p.Sequencing, sd)
				}
			}
		case "sources":
			p.Sources = r.strings(f.value, fp)
		}
	}
	return p
}

// MaxMagnitude bounds a batna and an interaction's bonus, ten thousand
// times the utilities' scale (0..100): beyond it the parties' gains
// multiply, in the Nash product, past the largest number (a batna of
// -1.7e308 made every product +Inf, and the JSON answers fail).
const MaxMagnitude = 1e6

func (r *reader) issuePosition(n *yaml.Node, path string, is *accord.Issue) (accord.IssuePosition, bool) {
	pos := accord.IssuePosition{Utility: map[string]float64{}}
	fields, ok := r.mapping(n, path, "weight", "utility", "red_lines", "notes")
	if !ok {
		return pos, false
	}
	good := true
	for _, f := range fields {
		fp := join(path, f.key)
		switch f.key {
		case "weight":
			if isNull(f.value) {
				continue
			}
			w, rg, ok := r.numberOrRange(f.value, fp, bounds{what: "weight", hasMin: true})
			good = good && ok
			pos.Weight, pos.WeightRange = w, rg
		case "utility":
			ufs, _ := r.mapping(f.value, fp)
			for _, uf := range ufs {
				up := join(fp, uf.key)
				if is.OptionIndex(uf.key) < 0 {
					r.addf(uf.keyN, up, "issue %q has no option %q", is.ID, uf.key)
					good = false
					continue
				}
				u, rg, ok := r.numberOrRange(uf.value, up, bounds{what: "utility", hasMin: true, hasMax: true, max: 100})
				good = good && ok
				pos.Utility[uf.key] = u
				if rg != nil {
					if pos.UtilityRange == nil {
						pos.UtilityRange = map[string][2]float64{}
					}
					pos.UtilityRange[uf.key] = *rg
				}
			}
		case "red_lines":
			for i, item := range r.sequence(f.value, fp) {
				ip := index(fp, i)
				o, ok := r.str(item, ip)
				if ok && is.OptionIndex(o) < 0 {
					r.addf(item, ip, "issue %q has no option %q", is.ID, o)
					ok = false
				}
				if ok && !slices.Contains(pos.RedLines, o) {
					pos.RedLines = append(pos.RedLines, o)
				}
				good = good && ok
			}
		}
	}
	return pos, good
}

func (r *reader) interaction(n *yaml.Node, path string, s *accord.Scenario, d *defs) (accord.Interaction, bool) {
	in := accord.Interaction{When: map[string]string{}}
	fields, ok := r.mapping(n, path, "when", "bonus", "notes")
	if !ok {
		return in, false
	}
	hasBonus := false
	for _, f := range fields {
		fp := join(path, f.key)
		switch f.key {
		case "when":
			wfs, _ := r.mapping(f.value, fp)
			for _, wf := range wfs {
				wp := join(fp, wf.key)
				i, ok := d.issues[wf.key]
				if !ok {
					r.addf(wf.keyN, wp, "unknown issue %q", wf.key)
					continue
				}
				o, ok := r.str(wf.value, wp)
				if ok && s.Issues[i].OptionIndex(o) < 0 {
					r.addf(wf.value, wp, "issue %q has no option %q", wf.key, o)
					continue
				}
				in.When[wf.key] = o
			}
		case "bonus":
			in.Bonus, hasBonus = r.number(f.value, fp)
			if hasBonus {
				(bounds{what: "bonus", hasMin: true, hasMax: true, min: -MaxMagnitude, max: MaxMagnitude}).check(r, f.value, fp, in.Bonus)
			}
		}
	}
	if !hasBonus {
		r.addf(n, join(path, "bonus"), "missing bonus")
	}
	return in, true
}

func (r *reader) sequencing(n *yaml.Node, path string, d *defs) (accord.SequencingDemand, bool) {
	var sd accord.SequencingDemand
	fields, ok := r.mapping(n, path, "first", "then", "notes")
	if !ok {
		return sd, false
	}
	bad := false
	for _, f := range fields {
		fp := join(path, f.key)
		t, ok := r.str(f.value, fp)
		if !ok {
			bad = true
			continue
		}
		if _, known := d.tracks[t]; !known {
			r.addf(f.value, fp, "unknown track %q", t)
			bad = true
			continue
		}
		if f.key == "first" {
			sd.First = t
		} else if f.key == "then" {
			sd.Then = t
		}
	}
	if bad {
		return sd, false
	}
	if sd.First == "" || sd.Then == "" {
		r.addf(n, path, "a sequencing demand needs both first and then")
		return sd, false
	}
	return sd, true
}

func (r *reader) proposals(n *yaml.Node, s *accord.Scenario, d *defs) []accord.Proposal {
	var out []accord.Proposal
	seen := map[string]bool{}
	for i, item := range r.sequence(n, "proposals") {
		path := index("proposals", i)
		fields, ok := r.mapping(item, path, "id", "title", "by", "source", "sources", "choices", "description")
		if !ok {
			continue
		}
		p := accord.Proposal{Choices: map[string]string{}}
		for _, f := range fields {
			fp := join(path, f.key)
			switch f.key {
			case "id":
				p.ID, _ = r.id(f.value, fp, false)
			case "title":
				p.Title, _ = r.str(f.value, fp)
			case "source":
				p.Source, _ = r.str(f.value, fp)
			case "by":
				if by, ok := r.str(f.value, fp); ok {
					if _, known := d.parties[by]; !known {
						r.addf(f.value, fp, "unknown party %q", by)
					}
					p.By = by
				}
			case "choices":
				cfs, _ := r.mapping(f.value, fp)
				for _, cf := range cfs {
					cp := join(fp, cf.key)
					ii, ok := d.issues[cf.key]
					if !ok {
						r.addf(cf.keyN, cp, "unknown issue %q", cf.key)
						continue
					}
					if isNull(cf.value) {
						continue // undecided
					}
					o, ok := r.str(cf.value, cp)
					if ok && s.Issues[ii].OptionIndex(o) < 0 {
						r.addf(cf.value, cp, "issue %q has no option %q", cf.key, o)
						continue
					}
					p.Choices[cf.key] = o
				}
			}
		}
		if p.ID == "" {
			r.missingID(item, path)
			continue
		}
		if seen[p.ID] {
			r.addf(item, join(path, "id"), "duplicate proposal id %q", p.ID)
			continue
		}
		seen[p.ID] = true
		out = append(out, p)
	}
	return out
}
