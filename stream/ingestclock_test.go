package stream_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/stream"
)

// An ingest node restarted tells the sectors the front's clock the stream
// holds, not the latest of what it published since: after a restart, a
// late report in one sector carries the clock of the latest observation
// published before the restart.
func TestIngestRestartedKeepsTheFrontsClock(t *testing.T) {
	lines := simulated(t, 5, 6*time.Hour, 15)
	var front time.Time
	obs := make([]monitor.Observation, len(lines))
	for i, l := range lines {
		o, err := accord.DecodeObservation(l)
		if err != nil {
			t.Fatal(err)
		}
		obs[i] = *o
		if !monitor.IsVesselEvent(obs[i].Event) && obs[i].ObservedAt.After(front) {
			front = obs[i].ObservedAt
		}
	}
	split := &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, 2)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors = s
	}}
	dir := t.TempDir()
	x, _ := open(t, dir, split)
	monitortest.PostLines(t, x.url, lines, 250)
	x.sync(t)
	x.close(t)

	x, _ = open(t, dir, split)
	defer x.close(t)
	if got := x.node.Ingester.Clock(); !got.Equal(front) {
		t.Fatalf("the restarted ingest node's clock is %s, want the front's %s", got, front)
	}
	// A report late by hours, alone in its batch: its sector is told
	// the front's clock.
	late := obs[0]
	late.ID += "-late"
	late.ReportedAt = front
	body, err := late.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	monitortest.PostLines(t, x.url, [][]byte{body}, 1)
	sec, _ := stream.IngesterPlan(x.node.Ingester).Route(&late)
	st, err := x.node.Conn.JS.Stream(context.Background(), stream.ObsStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := st.GetLastMsgForSubject(context.Background(), stream.ObsSubject(sec))
	if err != nil {
		t.Fatal(err)
	}
	want := "0:" + strconv.FormatInt(front.UnixNano(), 10)
	if got := msg.Header.Get(stream.HeaderClock); got != want || !strings.Contains(string(msg.Data), late.ID) {
		t.Errorf("the late report's message to sector %d tells the clock %q, want %q (the front's before the restart, %s)", sec, got, want, front)
	}
}

// With two ingest nodes, each tells the sectors the front's clock of
// both: a batch the other node published is taken in within a second.
func TestIngestFollowsTheOtherNodesClock(t *testing.T) {
	lines := simulated(t, 6, 2*time.Hour, 15)
	var obs []monitor.Observation
	for _, l := range lines {
		o, err := accord.DecodeObservation(l)
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, *o)
	}
	var split stream.Sectors
	x, _ := open(t, t.TempDir(), &streamed{cfg: func(m *mission.Mission, c *stream.Config) {
		s, err := stream.Split(m, 2)
		if err != nil {
			t.Fatal(err)
		}
		c.Sectors, split = s, s
	}})
	defer x.close(t)
	monitortest.PostLines(t, x.url, lines[:len(lines)/2], 250)
	mine := x.node.Ingester.Clock()
	// The other node: an ingester of its own on the same streams and store.
	other := stream.NewIngester(x.d.Mission, x.node.Conn, split.Plan, nil)
	other.Node = "other"
	defer other.Close()
	rest := obs[len(obs)/2:]
	if _, err := other.Ingest(context.Background(), rest, nil); err != nil {
		t.Fatal(err)
	}
	front := other.Clock()
	if !front.After(mine) {
		t.Fatalf("the other node's clock %s is not past this node's %s", front, mine)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !x.node.Ingester.Clock().Equal(front) {
		if time.Now().After(deadline) {
			t.Fatalf("this node's clock is %s 5 s after the other published up to %s (its own %s)", x.node.Ingester.Clock(), front, mine)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
