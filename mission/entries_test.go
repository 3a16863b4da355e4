package mission_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// largestEntry is the size of the ledger's largest entry, and the total.
func largestEntry(tb testing.TB, l *ledger.Ledger) (max, total int) {
	for i := int64(0); i < l.Len(); i++ {
		rec, err := l.Record(i)
		if err != nil {
			tb.Fatal(err)
		}
		total += len(rec)
		if len(rec) > max {
			max = len(rec)
		}
	}
	return max, total
}

// A long-lived incident's entries do not grow with its age: 600 batches of
// one re-sighting each write a record about as large as the data, where
// re-writing every member in every version made it 23 times as large; and
// a batch that fuses 2,000 observations with 8 KiB ids into one incident
// writes an entry of a few hundred bytes, where it wrote one larger than
// the ledger's 16 MiB limit (after which the server could not restart).
// Each incident's record holds the digest of the members the store serves.
func TestIncidentEntriesStayBounded(t *testing.T) {
	ctx := context.Background()
	t.Run("600 re-sightings", func(t *testing.T) {
		m := openDurable(t, t.TempDir())
		var raw bytes.Buffer
		for i := 0; i < 600; i++ {
			o := tanks(t, "uav-un", "un", 5, t0.Add(time.Duration(i)*30*time.Second))
			o.ID = fmt.Sprintf("re-sighting-%04d", i)
			if err := accord.EncodeObservations(&raw, []monitor.Observation{o}); err != nil {
				t.Fatal(err)
			}
			res, err := m.Ingest(ctx, []monitor.Observation{o}, nil)
			if err != nil || len(res.Incidents) != 1 {
				t.Fatalf("batch %d: %+v %v", i, res, err)
			}
		}
		all, err := m.AllIncidents(ctx, monitor.IncidentFilter{})
		if err != nil || len(all) != 1 || len(all[0].Observations) != 600 {
			t.Fatalf("want one incident of 600 observations, got %d: %v", len(all), err)
		}
		max, total := largestEntry(t, m.ledger)
		ratio := float64(total) / float64(raw.Len())
		t.Logf("ledger %d bytes for %d bytes of observations (%.2f×); largest entry %d bytes", total, raw.Len(), ratio, max)
		if ratio > 3 || max > 4096 {
			t.Errorf("the ledger is %.1f× the data, its largest entry %d bytes: entries grow with the incident", ratio, max)
		}
		recs := entries[accord.IncidentRecord](t, m.ledger, accord.EntryIncident)
		last := recs[len(recs)-1]
		if last.ObservationCount != 600 || last.ObservationsSHA256 != accord.MembersDigest(all[0].Observations) {
			t.Errorf("the record's last version says %d observations, digest %s; the store serves %d, digest %s",
				last.ObservationCount, last.ObservationsSHA256, len(all[0].Observations), accord.MembersDigest(all[0].Observations))
		}
	})
	t.Run("2,000 long ids in one incident", func(t *testing.T) {
		dir := t.TempDir()
		m := openDurable(t, dir)
		batch := make([]monitor.Observation, 2000)
		pad := strings.Repeat("x", 8<<10)
		for i := range batch {
			batch[i] = tanks(t, "uav-un", "un", 5, t0.Add(time.Duration(i)*time.Second))
			batch[i].ID = fmt.Sprintf("%s-%04d", pad, i)
		}
		res, err := m.Ingest(ctx, batch, nil)
		if err != nil || len(res.Incidents) != 1 {
			t.Fatalf("%d incidents, %v; want one", len(res.Incidents), err)
		}
		if max, _ := largestEntry(t, m.ledger); max > 4096 {
			t.Errorf("largest entry %d bytes", max)
		}
		m.close()
		// It restarts.
		m = openDurable(t, dir)
		if got, _, err := m.Incident(ctx, res.Incidents[0].ID); err != nil || len(got.Observations) != 2000 {
			t.Fatalf("after a restart: %v", err)
		}
	})
}
