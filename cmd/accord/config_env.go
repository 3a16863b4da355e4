package main

import (
	"fmt"
	"slices"
	"strings"
)

// otherEnv are accord's variables that are no setting of the server: the
// clients' token and timeout, the file's name, the tests' tools.
var otherEnv = []string{"ACCORD_CONFIG", "ACCORD_TOKEN", "ACCORD_TIMEOUT", "ACCORD_PG_BIN", "ACCORD_REQUIRE_TOOLS"}

// misspeltEnv lists the ACCORD_ variables of environ (NAME=VALUE) that are
// no setting but a letter or two from one's (ACCORD_STROE, ACCORD_ADR,
// ACCORD_CORS_ORIGINS): a mistake, refused as a file's unknown key is,
// where it would be ignored and the server started on the default (SQLite,
// no tokens). A name near none may be another program's, and is left
// alone; the value is never said (it may hold a password).
func misspeltEnv(environ []string, settings []string) []string {
	var problems []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "ACCORD_") || slices.Contains(otherEnv, name) {
			continue
		}
		suffix := strings.TrimPrefix(name, "ACCORD_")
		best, bestD := "", 0
		for _, s := range settings {
			if envName(s) == name {
				best = ""
				break
			}
			want := strings.TrimPrefix(envName(s), "ACCORD_")
			// Short names are near many words: one edit for them.
			limit := 2
			if len(want) <= 5 {
				limit = 1
			}
			if d := editDistance(suffix, want); d <= limit && (best == "" || d < bestD) {
				best, bestD = s, d
			}
		}
		if best != "" {
			problems = append(problems, fmt.Sprintf("%s: no setting is named so; did you mean %s (--%s)? (the environment's settings are ACCORD_ and a flag's name; docs/server.md, Configuration)", name, envName(best), best))
		}
	}
	slices.Sort(problems)
	return problems
}

// editDistance is the number of letters inserted, deleted, replaced or
// swapped with the next that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
