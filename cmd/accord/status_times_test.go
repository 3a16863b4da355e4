package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// statusYAML has a provision due on a date (its deadline the day's last
// instant) and a consultation whose notice expires on the second.
const statusYAML = `agreement: seconds
date: 2026-01-31
parties: [ua, ru]
roles:
  - {actor: us, role: guarantor}
  - {actor: eu, role: guarantor}
provisions:
  - {id: dated, obliged: [ru], due_date: 2026-01-31}
  - {id: rel, obliged: [ru], after: signature, within: 1d}
phases:
  - {id: one, entry: "true"}
consultation:
  response_days: 3
  joint_days: 15
  ministers_days: 15
  advisory_days: 5
  quorum: 2
  severity: []
`

// accord agreement status prints instants unambiguously: RFC 3339 in UTC
// to the second (and below it when the instant has more), as the engine's
// derived events and the daily report write them — a notice due at
// 10:00:30 read "10:00" with no zone, and a due_date's deadline, the
// day's last instant, read "23:59"; --json keeps RFC 3339.
func TestAgreementStatusTimes(t *testing.T) {
	dir := t.TempDir()
	agr, log := filepath.Join(dir, "seconds.yaml"), filepath.Join(dir, "log.ndjson")
	if err := os.WriteFile(agr, []byte(statusYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	entries := `{"seq":1,"at":"2026-01-31T10:00:00Z","type":"sign","party":"ua"}
{"seq":2,"at":"2026-01-31T12:00:00+02:00","type":"sign","party":"ru"}
{"seq":3,"at":"2026-01-31T10:00:30Z","type":"violation","id":"v1","rule":"zone:dmz","party":"ru"}
`
	if err := os.WriteFile(log, []byte(entries), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"text", nil, []string{
			"seconds at 2026-01-31T10:00:30Z (log entry 3): in force since 2026-01-31T10:00:00Z\n",
			"one    open    2026-01-31T10:00:00Z\n",
			"dated      pending  2026-01-31T23:59:59.999999999Z  -\n",
			"rel        pending  2026-02-01T10:00:00Z            -\n",
			"v1            ru     ",
			"notice  2026-02-03T10:00:30Z",
		}},
		{"json", []string{"--json"}, []string{
			`"deadline": "2026-02-03T10:00:30Z"`,
			`"due": "2026-01-31T23:59:59.999999999Z"`,
			`"now": "2026-01-31T10:00:30Z"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runAccord(t, append([]string{"agreement", "status", agr, "--log", log}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the status lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
