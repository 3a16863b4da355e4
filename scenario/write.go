package scenario

import (
	"bytes"
	"maps"
	"slices"
	"strconv"

	"github.com/accord-peace/accord"
	"go.yaml.in/yaml/v3"
)

// Format writes a scenario as YAML that Parse reads back to the same value.
func Format(s *accord.Scenario) ([]byte, error) {
	doc := fmap("id", str(s.ID))
	if s.Title != "" {
		doc.add("title", str(s.Title))
	}
	parties := seq()
	for _, p := range s.Parties {
		n := fmap("id", str(p.ID))
		if p.Name != "" {
			n.add("name", str(p.Name))
		}
		if p.Veto {
			n.add("veto", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
		if len(p.Roles) > 0 {
			roles := fmap()
			for _, k := range sortedKeys(p.Roles) {
				roles.add(k, str(p.Roles[k]))
			}
			n.add("roles", roles.flow())
		}
		parties.Content = append(parties.Content, n.flow().node)
	}
	doc.add("parties", parties)
	tracks := seq()
	for _, t := range s.Tracks {
		n := fmap("id", str(t.ID))
		if t.Name != "" {
			n.add("name", str(t.Name))
		}
		tracks.Content = append(tracks.Content, n.flow().node)
	}
	doc.add("tracks", tracks)
	issues := seq()
	for _, is := range s.Issues {
		n := fmap("id", str(is.ID), "track", str(is.Track))
		if is.Question != "" {
			n.add("question", str(is.Question))
		}
		opts := seq()
		for _, o := range is.Options {
			on := fmap("id", str(o.ID))
			if o.Label != "" {
				on.add("label", str(o.Label))
			}
			if o.Nature != "" && o.Nature != accord.NaturePermanent {
				on.add("nature", str(o.Nature))
			}
			if len(o.Instruments) > 0 {
				on.add("instruments", strSeq(o.Instruments))
			}
			opts.Content = append(opts.Content, on.flow().node)
		}
		n.add("options", opts)
		issues.Content = append(issues.Content, n.node)
	}
	doc.add("issues", issues)
	if len(s.Positions) > 0 {
		positions := fmap()
		for _, pid := range sortedKeys(s.Positions) {
			positions.add(pid, position(s, s.Positions[pid]))
		}
		doc.add("positions", positions)
	}
	if len(s.Proposals) > 0 {
		props := seq()
		for _, p := range s.Proposals {
			n := fmap("id", str(p.ID))
			for _, kv := range [][2]string{{"title", p.Title}, {"by", p.By}, {"source", p.Source}} {
				if kv[1] != "" {
					n.add(kv[0], str(kv[1]))
				}
			}
			choices := fmap()
			for _, is := range s.Issues {
				if o, ok := p.Choices[is.ID]; ok {
					choices.add(is.ID, str(o))
				}
			}
			n.add("choices", choices.flow())
			props.Content = append(props.Content, n.node)
		}
		doc.add("proposals", props)
	}
	return encode(doc.node)
}

// encode writes a node as a YAML document, indented by two.
func encode(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func position(s *accord.Scenario, p *accord.Position) *yaml.Node {
	n := fmap("batna", numOr(p.BATNA, p.BATNARange))
	issues := fmap()
	for _, is := range s.Issues {
		ip, ok := p.Issues[is.ID]
		if !ok {
			continue
		}
		in := fmap("weight", numOr(ip.Weight, ip.WeightRange))
		u := fmap()
		for _, o := range is.Options {
			if rg, ok := ip.UtilityRange[o.ID]; ok {
				u.add(o.ID, numOr(0, &rg))
			} else if v, ok := ip.Utility[o.ID]; ok {
				u.add(o.ID, num(v))
			}
		}
		in.add("utility", u.flow())
		if len(ip.RedLines) > 0 {
			in.add("red_lines", strSeq(ip.RedLines))
		}
		issues.add(is.ID, in.flow())
	}
	n.add("issues", issues)
	if len(p.Interactions) > 0 {
		ins := seq()
		for _, in := range p.Interactions {
			when := fmap()
			for _, k := range sortedKeys(in.When) {
				when.add(k, str(in.When[k]))
			}
			ins.Content = append(ins.Content, fmap("when", when.flow(), "bonus", num(in.Bonus)).flow().node)
		}
		n.add("interactions", ins)
	}
	if len(p.Sequencing) > 0 {
		sq := seq()
		for _, d := range p.Sequencing {
			sq.Content = append(sq.Content, fmap("first", str(d.First), "then", str(d.Then)).flow().node)
		}
		n.add("sequencing", sq)
	}
	if len(p.Sources) > 0 {
		n.add("sources", strSeq(p.Sources))
	}
	return n.node
}

// mapNode builds a mapping node in insertion order.
type mapNode struct{ node *yaml.Node }

func fmap(kv ...any) mapNode {
	m := mapNode{&yaml.Node{Kind: yaml.MappingNode}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.add(kv[i].(string), kv[i+1])
	}
	return m
}

func (m mapNode) add(k string, v any) {
	var vn *yaml.Node
	switch v := v.(type) {
	case *yaml.Node:
		vn = v
	case mapNode:
		vn = v.node
	}
	m.node.Content = append(m.node.Content, str(k), vn)
}

func (m mapNode) flow() mapNode { m.node.Style = yaml.FlowStyle; return m }

func seq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode} }

// str is a string scalar, quoted whenever YAML might read it as something else.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// num is a number scalar, tagged as YAML reads it back (an integral value
// as !!int, so that it is written plainly: 60, not !!float 60).
func num(v float64) *yaml.Node {
	s, tag := formatFloat(v), "!!float"
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		tag = "!!int"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}

// numOr is the number v, or the range rg as a flow sequence [lo, hi] when
// rg is set (v is then its midpoint, which Parse recomputes).
func numOr(v float64, rg *[2]float64) *yaml.Node {
	if rg == nil {
		return num(v)
	}
	n := seq()
	n.Style = yaml.FlowStyle
	n.Content = append(n.Content, num(rg[0]), num(rg[1]))
	return n
}

func strSeq(list []string) *yaml.Node {
	n := seq()
	n.Style = yaml.FlowStyle
	for _, s := range list {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
