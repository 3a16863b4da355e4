package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// reservationConflict is a scenario whose acceptable set is empty with no
// red line at all: the two veto parties' BATNAs cannot both be met.
const reservationConflict = `id: batnas
title: batnas
parties:
  - {id: a, name: A, veto: true}
  - {id: b, name: B, veto: true}
tracks:
  - {id: t, name: T}
issues:
  - {id: i1, track: t, options: [{id: x}, {id: y}]}
positions:
  a:
    batna: 90
    issues:
      i1: {weight: 1, utility: {x: 100, y: 0}}
  b:
    batna: 90
    issues:
      i1: {weight: 1, utility: {x: 0, y: 100}}
proposals:
  - {id: p, title: P, choices: {i1: x}}
`

// bridge --json, when nothing is acceptable, says what blocks agreement
// with the snake_case names of the rest of accord's JSON — the very keys
// and values analyze --json gives the same facts (conflicts,
// reservation_conflict, min_blocking_red_lines, conflicts_cut) — never Go's
// field names (Reservation, MinSize, Sets, Exact).
func TestBridgeJSONNamesWhatBlocksAgreementInSnakeCase(t *testing.T) {
	batnas := filepath.Join(t.TempDir(), "batnas.yaml")
	if err := os.WriteFile(batnas, []byte(reservationConflict), 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := "testdata/blocked-redlines.yaml"
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"red lines block", []string{blocked}},
		{"red lines block, the search cut", []string{blocked, "--budget", "1"}},
		{"the reservation values conflict", []string{batnas}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runAccord(t, append([]string{"bridge", "--json"}, c.args...)...)
			if code != 0 {
				t.Fatalf("bridge --json %v: exit %d: %s", c.args, code, errs)
			}
			var bridge map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &bridge); err != nil {
				t.Fatalf("bridge --json %v: %v\n%s", c.args, err, out)
			}
			var keys func(v any, at string)
			keys = func(v any, at string) {
				switch v := v.(type) {
				case map[string]any:
					for k, x := range v {
						if !snake.MatchString(k) {
							t.Errorf("bridge --json %v: key %q at %s is not snake_case:\n%s", c.args, k, at, out)
						}
						keys(x, at+"."+k)
					}
				case []any:
					for _, x := range v {
						keys(x, at+"[]")
					}
				}
			}
			var all any
			json.Unmarshal([]byte(out), &all)
			keys(all, "$")
			if string(bridge["acceptable"]) != "false" {
				t.Errorf("bridge --json %v: acceptable %s, want false", c.args, bridge["acceptable"])
			}
			aout, errs, code := runAccord(t, append([]string{"analyze", "--json"}, c.args...)...)
			if code != 0 {
				t.Fatalf("analyze --json %v: exit %d: %s", c.args, code, errs)
			}
			var analyze map[string]json.RawMessage
			if err := json.Unmarshal([]byte(aout), &analyze); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"conflicts", "reservation_conflict", "min_blocking_red_lines", "conflicts_cut"} {
				var a, b bytes.Buffer
				json.Compact(&a, analyze[k])
				json.Compact(&b, bridge[k])
				if a.String() != b.String() {
					t.Errorf("%q: bridge --json %v gives %s, analyze --json %s", k, c.args, b.String(), a.String())
				}
			}
		})
	}
}
