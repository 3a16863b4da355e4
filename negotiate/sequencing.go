package negotiate

import (
	"slices"
	"sort"
	"strings"

	"github.com/accord-peace/accord"
)

// Cycle is a deadlock in the parties' sequencing demands: each track of the
// cycle must come before the next, so none can come first.
type Cycle struct {
	Tracks []string `json:"tracks"` // sorted track ids
	Edges  []Edge   `json:"edges"`  // the cycle's edges in order, with who demands them
}

// Edge is one demand "First before Then", with every party that makes it.
type Edge struct {
	First   string   `json:"first"`
	Then    string   `json:"then"`
	Parties []string `json:"parties"`
}

// SequencingCycles builds one graph from every party's first→then demands and
// returns each elementary cycle once per distinct set of tracks, self-loops
// included, sorted by their track lists.
func SequencingCycles(s *accord.Scenario) []Cycle {
	tracks := make([]string, 0, len(s.Tracks))
	idx := map[string]int{}
	for _, t := range s.Tracks {
		idx[t.ID] = len(tracks)
		tracks = append(tracks, t.ID)
	}
	n := len(tracks)
	who := map[[2]int][]string{}
	adj := make([][]int, n)
	for _, p := range s.Parties {
		pos, ok := s.Positions[p.ID]
		if !ok {
			continue
		}
		for _, sd := range pos.Sequencing {
			e := [2]int{idx[sd.First], idx[sd.Then]}
			if _, seen := who[e]; !seen {
				adj[e[0]] = append(adj[e[0]], e[1])
			}
			if !slices.Contains(who[e], p.ID) {
				who[e] = append(who[e], p.ID)
			}
		}
	}
	for _, a := range adj {
		sort.Ints(a)
	}
	seen := map[string]bool{}
	var out []Cycle
	// Elementary cycles whose smallest vertex is start: a DFS through larger
	// vertices only, so each cycle is met from one start.
	onPath := make([]bool, n)
	var path []int
	var dfs func(start, v int)
	dfs = func(start, v int) {
		for _, x := range adj[v] {
			if x == start {
				c := cycleOf(path, tracks, who)
				key := strings.Join(c.Tracks, "\x00")
				if !seen[key] {
					seen[key] = true
					out = append(out, c)
				}
				continue
			}
			if x > start && !onPath[x] {
				onPath[x] = true
				path = append(path, x)
				dfs(start, x)
				path = path[:len(path)-1]
				onPath[x] = false
			}
		}
	}
	for start := 0; start < n; start++ {
		onPath[start] = true
		path = append(path[:0], start)
		dfs(start, start)
		onPath[start] = false
	}
	sort.SliceStable(out, func(a, b int) bool {
		return strings.Join(out[a].Tracks, "\x00") < strings.Join(out[b].Tracks, "\x00")
	})
	return out
}

func cycleOf(path []int, tracks []string, who map[[2]int][]string) Cycle {
	var c Cycle
	for i, v := range path {
		next := path[(i+1)%len(path)]
		c.Tracks = append(c.Tracks, tracks[v])
		ps := append([]string(nil), who[[2]int{v, next}]...)
		sort.Strings(ps)
		c.Edges = append(c.Edges, Edge{First: tracks[v], Then: tracks[next], Parties: ps})
	}
	sort.Strings(c.Tracks)
	return c
}
