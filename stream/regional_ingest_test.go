package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A regional ingest node cut off from the centre keeps answering 200 (its
// own stream holds the batches, unstored), and when the link returns the
// centre's ObsStream sources them: the sector workers store each
// observation and fuse it, the recorder records. Real servers: a hub (one
// JetStream server with a leaf node port) running a node of role all that
// sources the region, a regional NATS server (Region) linked to it through
// a link the test cuts, and a regional ingest node (Config.Region) over
// HTTP on loopback. Every observation acknowledged is stored once and in
// one incident, and the incidents are the embedded default's as member
// sets. The catch-up time is logged, not asserted.
func TestRegionalIngestCutOff(t *testing.T) {
	const sectors, batch = 2, 100
	lines := simulated(t, 21, 24*time.Hour, 15)
	third := len(lines) / 3 / batch * batch
	want := embedded(t, lines, batch)

	// What the workers add to the store, key by key (the store's Put
	// says which observations were new).
	var mu sync.Mutex
	stored := map[accord.ObservationKey]int{}
	rg := openRegional(t, sectors, func(m *mission.Mission, ctx context.Context, obs []monitor.Observation) error {
		st, err := m.Store(ctx, obs, nil)
		mu.Lock()
		for _, o := range st.Fresh {
			stored[o.Key()]++
		}
		mu.Unlock()
		return err
	})
	centre, east, region, links := rg.centre, rg.east, rg.region, rg.links

	// A signed batch is refused by a regional node, precisely.
	_, err := east.node.Ingester.Ingest(context.Background(), nil, &ledger.Submission{})
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "region east") {
		t.Fatalf("a signed batch at the regional node: %v, want EINVALID naming the region", err)
	}

	monitortest.PostLines(t, east.url, lines[:third], batch) // linked
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The source flowing before the cut: a source whose consumer could
	// not yet be set up when the link dropped is retried on nats-server's
	// backoff (10 s per failure, up to 2 min), which the catch-up would
	// then measure.
	posted := time.Now()
	linked := msgs(t, ctx, east, stream.RegionStream(region.Name))
	waitUntil(t, "the first batches sourced", func() bool { return msgs(t, ctx, centre, stream.ObsStream) >= linked })
	flowing := time.Since(posted)
	for _, l := range links {
		l.Cut()
	}
	waitUntil(t, "the leaf link down", func() bool { return !region.Linked() })
	monitortest.PostLines(t, east.url, lines[third:2*third], batch) // cut off: every batch 200
	// Cut off long enough for the source to go stale: nats-server then
	// retries it on its backoff, and the recorder's node sets it up
	// again once the region answers (Node.watchSources).
	time.Sleep(20 * time.Second)
	held := msgs(t, ctx, east, stream.RegionStream(region.Name))
	atCut := msgs(t, ctx, centre, stream.ObsStream)
	if atCut >= held {
		t.Fatalf("cut off, yet %s has %d messages of the region's %d", stream.ObsStream, atCut, held)
	}

	restored := time.Now()
	for _, l := range links {
		l.Restore()
	}
	waitUntil(t, "the leaf link back", region.Linked)
	relinked := time.Since(restored)
	waitUntil(t, stream.ObsStream+" caught up", func() bool { return msgs(t, ctx, centre, stream.ObsStream) >= held })
	sourced := time.Since(restored)
	centre.sync(t)
	recorded := time.Since(restored)

	monitortest.PostLines(t, east.url, lines[2*third:], batch) // linked again
	all := msgs(t, ctx, east, stream.RegionStream(region.Name))
	waitUntil(t, stream.ObsStream+" has everything", func() bool { return msgs(t, ctx, centre, stream.ObsStream) >= all })
	if n := msgs(t, ctx, centre, stream.ObsStream); n != all {
		t.Fatalf("%s has %d messages, the region published %d", stream.ObsStream, n, all)
	}
	got := centre.state(t)

	// Every observation acknowledged stored once, in one incident at
	// most, the same as the embedded default's.
	keys := map[accord.ObservationKey]bool{}
	for _, l := range lines {
		o, err := monitor.DecodeLine(l)
		if err != nil {
			t.Fatal(err)
		}
		keys[o.Key()] = true
	}
	mu.Lock()
	defer mu.Unlock()
	for k := range keys {
		if stored[k] != 1 {
			t.Errorf("observation %v stored %d times, want once", k, stored[k])
		}
	}
	if len(stored) != len(keys) {
		t.Errorf("%d observations stored, %d acknowledged", len(stored), len(keys))
	}
	wantSets, wantIn := members(t, want.incidents)
	gotSets, gotIn := members(t, got.incidents)
	for k := range keys {
		if wantIn[k] != gotIn[k] {
			t.Errorf("observation %v in %d incidents, the embedded default %d", k, gotIn[k], wantIn[k])
		}
	}
	if !slices.Equal(wantSets, gotSets) {
		t.Fatalf("the incidents' member sets differ from the embedded default's: %d and %d incidents\n%s", len(gotSets), len(wantSets), diff(wantSets, gotSets))
	}
	t.Logf("region %s, %d sectors: %d observations (%d lines, resends included) in %d batches acknowledged (%d lines while cut off), %d messages in its stream (%d held at the cut's end, %d of them in %s); "+
		"the first sourced %v after their post; after the link's restore: linked %v, sourced %v, fused and recorded %v; %d incidents, the embedded default's member sets",
		region.Name, sectors, len(keys), len(lines), (len(lines)+batch-1)/batch, third, all, held, atCut, stream.ObsStream,
		flowing.Round(time.Millisecond), relinked.Round(time.Millisecond), sourced.Round(time.Millisecond), recorded.Round(time.Millisecond), len(gotSets))
}

// regional is a hub (one JetStream server with a leaf node port) running
// a node of role all that sources region east, the regional NATS server
// linked to it through links the test can cut, and a regional ingest node
// over HTTP on it. Everything is closed at the test's end.
type regional struct {
	centre, east *deployment
	region       *stream.Region
	links        []*stream.Link
}

func openRegional(t *testing.T, sectors int, store func(*mission.Mission, context.Context, []monitor.Observation) error) *regional {
	t.Helper()
	hub := stream.NewCluster(t.TempDir(), 1)
	if err := hub.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	rg := &regional{}
	var leaf []*url.URL
	for _, u := range hub.LeafURLs() {
		l, err := stream.NewLink(u.Host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		rg.links = append(rg.links, l)
		leaf = append(leaf, &url.URL{Scheme: "nats-leaf", Host: l.Addr()})
	}
	rg.region = stream.NewRegion("east", t.TempDir(), leaf)
	rg.region.Reconnect = 250 * time.Millisecond
	if err := rg.region.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rg.region.Close)
	waitUntil(t, "the leaf link up", rg.region.Linked)
	rg.centre, _ = open(t, t.TempDir(), &streamed{url: hub.URLs(), cfg: func(m *mission.Mission, c *stream.Config) {
		c.Sectors = split(t, m, sectors)
		if store != nil {
			c.Worker.Store = func(ctx context.Context, obs []monitor.Observation) error { return store(m, ctx, obs) }
		}
		c.Sources = []stream.RegionRef{{Name: rg.region.Name, Domain: rg.region.Domain}}
	}})
	t.Cleanup(func() { rg.centre.close(t) })
	rg.east, _ = open(t, t.TempDir(), &streamed{url: rg.region.URL(), cfg: func(m *mission.Mission, c *stream.Config) {
		c.Role, c.Region, c.Sectors = stream.RoleIngest, rg.region.Name, split(t, m, sectors)
	}})
	t.Cleanup(func() { rg.east.close(t) })
	return rg
}

// A regional batch with an observation whose key the store holds with
// other content (the centre would refuse the whole batch; the region,
// which cannot see the store, answers 200): its sector's worker refuses
// that observation alone and stores and fuses the rest; the store keeps
// the first content.
func TestRegionalIngestConflictingKey(t *testing.T) {
	lines := simulated(t, 22, 6*time.Hour, 15)[:40]
	var mu sync.Mutex
	stored := map[accord.ObservationKey]int{}
	var refused []accord.ObservationKey
	rg := openRegional(t, 1, func(m *mission.Mission, ctx context.Context, obs []monitor.Observation) error {
		st, err := m.Store(ctx, obs, nil)
		mu.Lock()
		defer mu.Unlock()
		for _, o := range st.Fresh {
			stored[o.Key()]++
		}
		if err != nil && len(obs) == 1 {
			refused = append(refused, obs[0].Key())
		}
		return err
	})
	monitortest.PostLines(t, rg.centre.url, lines[:1], 1)
	var feature map[string]any
	if err := json.Unmarshal(lines[0], &feature); err != nil {
		t.Fatal(err)
	}
	props, _ := feature["properties"].(map[string]any)
	if props == nil {
		t.Fatalf("not a GeoJSON feature: %s", lines[0])
	}
	props["confidence"] = 0.123 // the same key, other content
	changed, err := json.Marshal(feature)
	if err != nil {
		t.Fatal(err)
	}
	monitortest.PostLines(t, rg.east.url, append([][]byte{changed}, lines[1:]...), len(lines))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	waitUntil(t, "the region's message sourced", func() bool { return msgs(t, ctx, rg.centre, stream.ObsStream) >= 2 })
	got := rg.centre.state(t) // the region's message acknowledged
	mu.Lock()
	defer mu.Unlock()
	first, err := monitor.DecodeLine(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(refused, []accord.ObservationKey{first.Key()}) {
		t.Errorf("refused alone: %v, want %v", refused, first.Key())
	}
	for _, l := range lines[1:] {
		x, err := monitor.DecodeLine(l)
		if err != nil {
			t.Fatal(err)
		}
		if x.Key() != first.Key() && stored[x.Key()] != 1 {
			t.Errorf("observation %v stored %d times by the worker, want once", x.Key(), stored[x.Key()])
		}
	}
	_, in := members(t, got.incidents)
	for k, n := range in {
		if n > 1 {
			t.Errorf("observation %v in %d incidents", k, n)
		}
	}
	t.Logf("%d observations stored by the worker, %v refused alone; %d incidents", len(stored), refused, len(got.incidents))
}

func split(tb testing.TB, m *mission.Mission, n int) stream.Sectors {
	s, err := stream.Split(m, n)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// msgs is the number of messages in a stream of a deployment's JetStream.
func msgs(tb testing.TB, ctx context.Context, x *deployment, name string) uint64 {
	tb.Helper()
	s, err := x.node.Conn.JS.Stream(ctx, name)
	if err != nil {
		tb.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return info.State.Msgs
}

// members are the member sets of the incidents not merged (each its keys
// sorted, one line), sorted, and in how many of them each key is.
func members(tb testing.TB, ins []monitor.Incident) ([]string, map[accord.ObservationKey]int) {
	tb.Helper()
	var sets []string
	in := map[accord.ObservationKey]int{}
	for _, x := range ins {
		if x.State == accord.IncidentMerged {
			continue
		}
		ks := make([]string, len(x.Observations))
		for i, k := range x.Observations {
			ks[i] = k.Source + "/" + k.ID
			in[k]++
		}
		slices.Sort(ks)
		sets = append(sets, strings.Join(ks, " "))
	}
	slices.Sort(sets)
	return sets, in
}

// diff lists the member sets of one side only.
func diff(want, got []string) string {
	var b bytes.Buffer
	for _, s := range want {
		if !slices.Contains(got, s) {
			b.WriteString(" embedded only: " + s + "\n")
		}
	}
	for _, s := range got {
		if !slices.Contains(want, s) {
			b.WriteString(" regional only: " + s + "\n")
		}
	}
	return b.String()
}

// waitUntil polls cond for up to two minutes (a bound against a hang, not
// a timing assertion).
func waitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not after two minutes", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A regional node keeps the deployment's split in its stream's metadata:
// a regional node restarted with another split is refused, and a centre
// whose streams were made for another split than the region's refuses to
// source it (each naming both), where before the region's batches would
// have gone to other sectors' subjects.
func TestRegionKeepsThePlan(t *testing.T) {
	rg := openRegional(t, 2, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, err := nats.Connect(rg.region.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	s, err := js.Stream(ctx, stream.RegionStream(rg.region.Name))
	if err != nil {
		t.Fatal(err)
	}
	two := s.CachedInfo().Config.Metadata[stream.PlanKey]
	if !strings.HasPrefix(two, "2 sector(s) of agreement ") {
		t.Fatalf("the region's stream keeps the plan %q", two)
	}
	three := stream.PlanName(3, strings.TrimPrefix(two, "2 sector(s) of agreement "))
	if err := stream.EnsureRegionStream(ctx, js, rg.region.Name, two); err != nil {
		t.Errorf("the same split again: %v", err)
	}
	err = stream.EnsureRegionStream(ctx, js, rg.region.Name, three)
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), two) || !strings.Contains(err.Error(), three) {
		t.Errorf("another split on the region: %v", err)
	}
	// The centre: its streams made for 2 sectors; the region's stream, as
	// if made for 3, is refused as a source.
	cfg := s.CachedInfo().Config
	cfg.Metadata[stream.PlanKey] = three
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	hub, err := nats.Connect(rg.centre.node.Conn.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	hjs, _ := jetstream.New(hub)
	err = stream.SourceRegion(ctx, hjs, rg.region.Name, rg.region.Domain)
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), three) || !strings.Contains(err.Error(), two) {
		t.Errorf("sourcing a region made for another split: %v", err)
	}
}
