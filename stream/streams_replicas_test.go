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
