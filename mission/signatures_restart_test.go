package mission_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/monitor"
)

// A guarantor's signature of a finding that never reached the quorum is
// part of the record: after the consultation closed unresolved (every
// stage's deadline passed) the mission still shows it, before a restart and
// after — the same record, the same answer.
func TestSignatureShortOfQuorumSurvivesCloseAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m := openDurable(t, dir)
	res, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "sat-un", "un", 11, t0), tanks(t, "sat-osce", "osce", 11, t0.Add(time.Hour))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vid := res.Incidents[0].ID + ":" + ceilingRule
	if _, err := m.Respond(ctx, vid, "ru", "dispute", "our count: 9 tanks", true); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SignFinding(ctx, vid, "us", engine.Upheld, "11 tanks"); err != nil {
		t.Fatal(err)
	}
	// Sixty days on: the joint commission, the ministers and the advisory
	// board have all passed without the quorum.
	if _, err := m.Ingest(ctx, []monitor.Observation{tanks(t, "uav-un", "un", 5, t0.Add(60*24*time.Hour))}, nil); err != nil {
		t.Fatal(err)
	}
	check := func(when string, m *durable) {
		t.Helper()
		c, pending, err := m.Consultation(vid)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != engine.StageClosed || c.Outcome != engine.Unresolved {
			t.Fatalf("%s: consultation %s %s, want closed unresolved", when, c.Stage, c.Outcome)
		}
		if len(pending) != 1 || pending[0].Guarantor != "us" || pending[0].Outcome != engine.Upheld {
			t.Errorf("%s: signatures short of the quorum %+v, want us's upheld", when, pending)
		}
	}
	check("before a restart", m)
	m.close()
	check("after a restart", openDurable(t, dir))
}
