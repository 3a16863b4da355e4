package agreement

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fieldLines maps each field of a YAML document to the line it starts on,
// by path: monitoring.bands[2].provision.
func fieldLines(data []byte) map[string]int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	out := map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				out[p] = k.Line
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				out[p] = c.Line
				walk(c, p)
			}
		}
	}
	walk(doc.Content[0], "")
	return out
}

// locate prefixes a problem "PATH: what" with the line of PATH, or of the
// nearest field above it that the document has (a missing field is
// reported at the rule that lacks it).
func locate(lines map[string]int, prob string) string {
	path, _, ok := strings.Cut(prob, ": ")
	if !ok || lines == nil {
		return prob
	}
	path = unlabelled(path)
	for path != "" {
		if n, ok := lines[path]; ok {
			return fmt.Sprintf("line %d: %s", n, prob)
		}
		i := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
		if i <= 0 {
			break
		}
		path = path[:i]
	}
	return prob
}

// unlabelled is a problem's path without the ids it names elements by
// ("provisions[4] (line-of-control).review" → "provisions[4].review"), as
// fieldLines keys them.
func unlabelled(path string) string {
	for {
		i := strings.Index(path, "] (")
		if i < 0 {
			return path
		}
		j := strings.IndexByte(path[i+3:], ')')
		if j < 0 {
			return path
		}
		path = path[:i+1] + path[i+3+j+1:]
	}
}
