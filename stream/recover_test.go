package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sim"
)

// The messages Recover rebuilds from the store are those Ingest built
// from the batch posted: the same subjects, bodies, halo headers and
// message ids (so that JetStream keeps once a batch published before the
// node died and again after), for observations read back as the store
// keeps them (their feature, decoded).
func TestRecoveredMessagesAreIngests(t *testing.T) {
	ctx := context.Background()
	a, k := monitortest.Reference(t)
	m, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(), Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.FromAgreement(a.Monitoring, k)
	cfg.Seed, cfg.Start, cfg.Duration, cfg.Rate = 5, time.Date(2025, 6, 1, 4, 0, 0, 0, time.UTC), 12*time.Hour, 30
	res, err := sim.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	for _, o := range res.Observations {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		body.Write(append(b, '\n'))
	}
	batch, err := monitor.Decode(&body, "test") // as the API decodes a batch
	if err != nil {
		t.Fatal(err)
	}
	for _, sectors := range []int{1, 3} {
		s, err := Split(m, sectors)
		if err != nil {
			t.Fatal(err)
		}
		g := &Ingester{plan: s.Plan}
		// Fresh: every other observation (the others resends).
		var fresh []*monitor.Observation
		var stored []monitor.Observation
		for i := range batch {
			if i%2 == 0 {
				fresh = append(fresh, &batch[i])
				feature, err := batch[i].MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				x, err := accord.DecodeObservation(feature)
				if err != nil {
					t.Fatal(err)
				}
				stored = append(stored, *x)
			}
		}
		want := g.messages(batch, fresh, g.route(batch))
		ptrs := make([]*monitor.Observation, len(stored))
		for i := range stored {
			ptrs[i] = &stored[i]
		}
		got := g.messages(stored, ptrs, g.route(stored))
		if len(got) != len(want) || len(want) == 0 {
			t.Fatalf("%d sectors: %d messages rebuilt, %d ingested", sectors, len(got), len(want))
		}
		for i := range want {
			if got[i].Subject != want[i].Subject || !bytes.Equal(got[i].Data, want[i].Data) ||
				got[i].Header.Get(HeaderHalo) != want[i].Header.Get(HeaderHalo) || got[i].Header.Get("Nats-Msg-Id") != want[i].Header.Get("Nats-Msg-Id") {
				t.Errorf("%d sectors, message %d: rebuilt %s id %s halo %q (%d bytes), ingested %s id %s halo %q (%d bytes)", sectors, i,
					got[i].Subject, got[i].Header.Get("Nats-Msg-Id"), got[i].Header.Get(HeaderHalo), len(got[i].Data),
					want[i].Subject, want[i].Header.Get("Nats-Msg-Id"), want[i].Header.Get(HeaderHalo), len(want[i].Data))
			}
		}
	}
}
