package mission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sim"
)

// openGrain opens (or reopens) the reference agreement with the grain
// corridor beside it on the embedded deployment's stores in dir.
func openGrain(tb testing.TB, dir string) *local.Deployment {
	tb.Helper()
	// The corridor reads the ceasefire's state: loaded as a set.
	as, err := agreement.LoadSet("../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	d, err := local.Open(context.Background(), local.Config{Dir: dir, Agreement: as[0], Others: as[1:]})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// grainObservations is a simulated day and a half of the grain corridor,
// through the observation contract's decoder.
func grainObservations(tb testing.TB) []monitor.Observation {
	tb.Helper()
	cfg := sim.DefaultGrain()
	cfg.Seed, cfg.Duration = 4, 60*time.Hour
	res, err := sim.GrainCorridor(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, o := range res.Observations {
		if err := enc.Encode(o); err != nil {
			tb.Fatal(err)
		}
	}
	obs, err := monitor.Decode(&buf, "grain.ndjson")
	if err != nil {
		tb.Fatal(err)
	}
	return obs
}

// The corridor's throughput and vessels, read from the mission: every
// vessel, totals that add up the days, and the same answer (byte for
// byte) after the mission is reopened on its SQLite stores and replays
// them.
func TestCorridorRestored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openGrain(t, dir)
	obs := grainObservations(t)
	for i := 0; i < len(obs); i += 700 {
		if _, err := d.Ingest(ctx, obs[i:min(i+700, len(obs))], nil); err != nil {
			t.Fatal(err)
		}
	}
	c, err := d.Corridor()
	if err != nil {
		t.Fatal(err)
	}
	if c.Agreement != "ukraine-2025-grain-corridor" || c.Zone != "bsgi-lane" || len(c.Days) < 2 || c.Voyages < 4 {
		t.Errorf("corridor: %s %s %d days, %d voyages", c.Agreement, c.Zone, len(c.Days), c.Voyages)
	}
	ids := map[string]bool{}
	for _, o := range obs {
		if o.Vessel != nil {
			ids[o.Vessel.ID] = true
		}
	}
	voyages, tonnes, under, completed := 0, 0.0, 0, 0
	for _, d := range c.Days {
		voyages += d.Voyages
		tonnes += d.Tonnage
	}
	for _, v := range c.Vessels {
		completed += v.Completed
		if v.UnderWay {
			under++
		}
		if v.LastFix == nil || v.Name == "" || v.Flag == "" {
			t.Errorf("vessel %+v", v)
		}
	}
	if len(c.Vessels) != len(ids) || voyages != c.Voyages || tonnes != c.TonnageT || under != c.UnderWay || completed != c.Voyages || c.TonnageT <= 0 {
		t.Errorf("%d vessels of %d; %d voyages (%d days' sum, %d vessels'); %.0f t (%.0f); %d under way (%d)",
			len(c.Vessels), len(ids), c.Voyages, voyages, completed, c.TonnageT, tonnes, c.UnderWay, under)
	}
	before, _ := json.Marshal(c)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = openGrain(t, dir)
	defer d.Close()
	if d.Restored() != len(obs) {
		t.Errorf("restored %d observations of %d", d.Restored(), len(obs))
	}
	c2, err := d.Corridor()
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(c2); !bytes.Equal(before, after) {
		t.Errorf("after reopening:\n%s\nbefore:\n%s", after, before)
	}
	t.Logf("%d vessels, %d under way; %+v", len(c.Vessels), c.UnderWay, c.Days)
}

// Without a corridor section on the record the corridor is not found.
func TestCorridorNone(t *testing.T) {
	d := openDurable(t, t.TempDir())
	_, err := d.Corridor()
	var ae *accord.Error
	if !errors.As(err, &ae) || ae.Code != accord.ENOTFOUND {
		t.Errorf("no corridor: %v", err)
	}
}
