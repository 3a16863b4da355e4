package stream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
)

// Replicas asked of a NATS server that is not a cluster are the
// deployment's mistake (EINVALID), said with what to set; the region's
// names are checked as the help says.
func TestStreamsReplicasOnOneNode(t *testing.T) {
	c := leaseConn(t, leaseServer(t)) // its streams made with one replica
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := EnsureStreams(ctx, c.JS, StreamConfig{Replicas: 3})
	if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), "--stream-replicas 1") {
		t.Fatalf("3 replicas on one node: %v (code %s), want EINVALID naming --stream-replicas 1", err, accord.ErrorCode(err))
	}
	if err := EnsureStreams(ctx, c.JS, StreamConfig{Replicas: 1}); err != nil {
		t.Fatalf("1 replica: %v", err)
	}
}

func TestCheckRegionName(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"east", true}, {"EAST-2_b", true}, {"e1", true},
		{"", false}, {"east/1", false}, {"a.b", false}, {"a b", false}, {"a*", false}, {"ost$ä", false},
		{strings.Repeat("a", 65), false},
	} {
		if err := CheckRegionName(c.name); (err == nil) != c.ok {
			t.Errorf("CheckRegionName(%q) = %v, want ok %v", c.name, err, c.ok)
		}
	}
}

// The first node's plan is kept in the streams' metadata; a node with
// another (another --partitions, another main agreement) is refused,
// naming both; a node that names none (a tool) is not checked and keeps it.
func TestStreamsKeepTheDeploymentsPlan(t *testing.T) {
	c := leaseConn(t, leaseServer(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	two := PlanName(2, "ukraine-2025")
	if err := EnsureStreams(ctx, c.JS, StreamConfig{Plan: two}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ObsStream, FusedStream} {
		s, err := c.JS.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.CachedInfo().Config.Metadata[PlanKey]; got != two {
			t.Errorf("%s keeps the plan %q, want %q", name, got, two)
		}
	}
	for _, plan := range []string{two, ""} {
		if err := EnsureStreams(ctx, c.JS, StreamConfig{Plan: plan}); err != nil {
			t.Errorf("plan %q on streams made for %q: %v", plan, two, err)
		}
	}
	for _, other := range []string{PlanName(4, "ukraine-2025"), PlanName(2, "another")} {
		err := EnsureStreams(ctx, c.JS, StreamConfig{Plan: other})
		if accord.ErrorCode(err) != accord.EINVALID || !strings.Contains(err.Error(), two) || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), "--partitions") {
			t.Errorf("plan %q on streams made for %q: %v, want EINVALID naming both and --partitions", other, two, err)
		}
	}
	s, _ := c.JS.Stream(ctx, ObsStream)
	if got := s.CachedInfo().Config.Metadata[PlanKey]; got != two {
		t.Errorf("after the refusals the plan is %q, want %q", got, two)
	}
}
