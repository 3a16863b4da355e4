package mission_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"testing"

	"github.com/accord-peace/accord/internal/benchdata"
	"github.com/accord-peace/accord/monitor"
)

// pinnedRecord is the digest of what the embedded deployment records for
// twelve simulated hours of the reference agreement's front (seed 1, 1,000
// true events an hour, batches of 500): every ledger entry's kind, type,
// author, id and body (a sealed entry by its sealed content, since the
// seal's salt is random), then every incident as the store holds it. It
// was taken before the work on throughput (issue 18, item 5): the faster
// decoder, fusion, rules, store and record must record exactly this. It
// was taken again once, when violations took the time their incident was
// confirmed instead of the batch's latest observation (the same 5,473
// violations; 43,501 entries where there were 43,572, since a violation
// moves the clock on itself and a batch's closing tick is often not
// needed; TestViolationTimesDoNotDependOnBatching), and the parties
// signed at the first report rather than at the first batch's earliest.
const pinnedRecord = "f716a9fbf04d290b74880e52c338df5458efbabae22924334903ec8a6c05843f"

// The record of a simulated day is pinned: any change to what fusion,
// the rules, the engine or the record produce shows here, before it
// reaches an outside check.
func TestPinnedRecordOfTheSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 48,000 observations")
	}
	ctx := context.Background()
	a, k, err := benchdata.Reference()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := benchdata.Lines(a, k, 12, 1000)
	if err != nil {
		t.Fatal(err)
	}
	d := openDurable(t, t.TempDir())
	d.ingestLines(t, lines, 500)
	h := sha256.New()
	n := d.ledger.Len()
	for i := int64(0); i < n; i++ {
		e := comparable(t, d, i) // a sealed entry by its sealed content
		body := []byte(e.Body)
		if e.Sealed != nil {
			body = append([]byte("sealed:"+e.Sealed.Consultation+":"), e.Sealed.Content...)
		}
		field(h, e.Kind, e.Author, e.ID, e.Type, string(body))
	}
	ins, err := d.AllIncidents(ctx, monitor.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		field(h, string(b))
	}
	got := hex.EncodeToString(h.Sum(nil))
	t.Logf("%d observations, %d entries, %d incidents: %s", len(lines), n, len(ins), got)
	if got != pinnedRecord {
		t.Errorf("the record of the simulated day changed: digest %s, pinned %s", got, pinnedRecord)
	}
}

// field writes strings to the digest, each with its length, so that no
// two sequences of fields write the same bytes.
func field(h hash.Hash, ss ...string) {
	for _, s := range ss {
		fmt.Fprintf(h, "%d:", len(s))
		h.Write([]byte(s))
	}
}
