package scenario

import (
	"go.yaml.in/yaml/v3"
	"slices"

	"github.com/accord-peace/accord"
)

var roles = []string{accord.RoleNegotiator, accord.RoleGuarantor, accord.RoleImplementer, accord.RoleMonitor, accord.RoleObserver}

func (r *reader) tracks(n *yaml.Node, d *defs) []accord.Track {
	var out []accord.Track
	for i, item := range r.sequence(n, "tracks") {
		path := index("tracks", i)
		fields, ok := r.mapping(item, path, "id", "name", "description")
		if !ok {
			continue
		}
		var t accord.Track
		for _, f := range fields {
			switch f.key {
			case "id":
				t.ID, _ = r.id(f.value, join(path, "id"), false)
			case "name":
				t.Name, _ = r.str(f.value, join(path, "name"))
			}
		}
		if t.ID == "" {
			r.missingID(item, path)
			continue
		}
		if r.duplicate(d.tracks, t.ID, item, path, "track") {
			continue
		}
		d.tracks[t.ID] = len(out)
		out = append(out, t)
	}
	return out
}

func (r *reader) parties(n *yaml.Node, d *defs) []accord.Party {
	if n == nil {
		return nil
	}
	var out []accord.Party
	for i, item := range r.sequence(n, "parties") {
		path := index("parties", i)
		fields, ok := r.mapping(item, path, "id", "name", "veto", "roles", "description")
		if !ok {
			continue
		}
		p := accord.Party{Roles: map[string]string{}}
		for _, f := range fields {
			fp := join(path, f.key)
			switch f.key {
			case "id":
				p.ID, _ = r.id(f.value, fp, true)
			case "name":
				p.Name, _ = r.str(f.value, fp)
			case "veto":
				if !isNull(f.value) {
					p.Veto, _ = r.boolean(f.value, fp)
				}
			case "roles":
				roleFields, _ := r.mapping(f.value, fp)
				for _, rf := range roleFields {
					rp := join(fp, rf.key)
					if _, ok := d.tracks[rf.key]; !ok {
						r.addf(rf.keyN, rp, "unknown track %q", rf.key)
						continue
					}
					role, ok := r.str(rf.value, rp)
					if ok && !slices.Contains(roles, role) {
						r.addf(rf.value, rp, "unknown role %q (one of: negotiator, guarantor, implementer, monitor, observer)", role)
						continue
					}
					p.Roles[rf.key] = role
				}
			}
		}
		if p.ID == "" {
			r.missingID(item, path)
			continue
		}
		if r.duplicate(d.parties, p.ID, item, path, "party") {
			continue
		}
		d.parties[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}

func (r *reader) issues(n *yaml.Node, d *defs) []accord.Issue {
	var out []accord.Issue
	for i, item := range r.sequence(n, "issues") {
		path := index("issues", i)
		fields, ok := r.mapping(item, path, "id", "track", "question", "options", "description")
		if !ok {
			continue
		}
		var is accord.Issue
		var optionsNode *yaml.Node
		for _, f := range fields {
			fp := join(path, f.key)
			switch f.key {
			case "id":
				is.ID, _ = r.id(f.value, fp, false)
			case "track":
				if t, ok := r.str(f.value, fp); ok {
					if _, known := d.tracks[t]; !known {
						r.addf(f.value, fp, "unknown track %q", t)
					}
					is.Track = t
				}
			case "question":
				is.Question, _ = r.str(f.value, fp)
			case "options":
				optionsNode = f.value
			}
		}
		if is.ID == "" {
			r.missingID(item, path)
			continue
		}
		if optionsNode == nil || isNull(optionsNode) || (resolve(optionsNode).Kind == yaml.SequenceNode && len(resolve(optionsNode).Content) == 0) {
			r.addf(item, join(path, "options"), "issue %q needs at least one option", is.ID)
		} else {
			is.Options = r.options(optionsNode, join(path, "options"))
		}
		if r.duplicate(d.issues, is.ID, item, path, "issue") {
			continue
		}
		d.issues[is.ID] = len(out)
		out = append(out, is)
	}
	return out
}

func (r *reader) options(n *yaml.Node, path string) []accord.Option {
	if n == nil {
		return nil
	}
	var out []accord.Option
	seen := map[string]bool{}
	for i, item := range r.sequence(n, path) {
		op := index(path, i)
		fields, ok := r.mapping(item, op, "id", "label", "nature", "instruments", "description")
		if !ok {
			continue
		}
		o := accord.Option{Nature: accord.NaturePermanent}
		for _, f := range fields {
			fp := join(op, f.key)
			switch f.key {
			case "id":
				o.ID, _ = r.id(f.value, fp, false)
			case "label":
				o.Label, _ = r.str(f.value, fp)
			case "nature":
				if v, ok := r.str(f.value, fp); ok {
					if v != accord.NaturePermanent && v != accord.NatureTemporary {
						r.addf(f.value, fp, "unknown nature %q (permanent or temporary)", v)
					} else {
						o.Nature = v
					}
				}
			case "instruments":
				o.Instruments = r.strings(f.value, fp)
			}
		}
		if o.ID == "" {
			r.missingID(item, op)
			continue
		}
		if seen[o.ID] {
			r.addf(item, op, "duplicate option id %q", o.ID)
			continue
		}
		seen[o.ID] = true
		out = append(out, o)
	}
	return out
}

func (r *reader) missingID(n *yaml.Node, path string) {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				return // the id was present but bad: already reported
			}
		}
	}
	r.addf(n, join(path, "id"), "missing id")
}

func (r *reader) duplicate(seen map[string]int, id string, n *yaml.Node, path, kind string) bool {
	if _, dup := seen[id]; dup {
		r.addf(n, join(path, "id"), "duplicate %s id %q", kind, id)
		return true
	}
	return false
}
