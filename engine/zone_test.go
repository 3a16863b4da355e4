package engine_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/accord-peace/accord/engine"
)

// The state is one of instants: a log whose entries give the same instants
// with another offset (+03:00, -05:30) replays to the same state, byte for
// byte and hash, in UTC — its times, the derived events' texts — as the
// due_date deadlines and the snapback's midnight already are.
func TestSameInstantsInAnotherOffsetSameState(t *testing.T) {
	a := mustAgreement(t)
	for _, path := range []string{"testdata/compliance.ndjson", "testdata/snapback.ndjson"} {
		log := mustLog(t, path)
		want, err := engine.Replay(a, log)
		if err != nil {
			t.Fatal(err)
		}
		for _, zone := range []*time.Location{time.FixedZone("", 3*3600), time.FixedZone("", -(5*3600 + 1800))} {
			shifted := make([]engine.Event, len(log))
			for i, ev := range log {
				ev.At = ev.At.In(zone)
				shifted[i] = ev
			}
			got, err := engine.Replay(a, shifted)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.JSON(), want.JSON()) {
				t.Errorf("%s in %s: state\n%s\nwant\n%s", path, shifted[0].At.Format("-07:00"), got.JSON(), want.JSON())
			}
		}
	}
}
