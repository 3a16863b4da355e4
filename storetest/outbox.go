package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// OpenOutbox opens a fresh store for a test, and reopen closes it and
// opens the same data again (a node restarted on its store).
type OpenOutbox func(t *testing.T) (s accord.ObservationOutbox, reopen func() accord.ObservationOutbox)

// RunObservationOutboxTests runs the conformance suite of
// accord.ObservationOutbox against fresh stores.
func RunObservationOutboxTests(t *testing.T, open OpenOutbox) {
	ctx := context.Background()
	obs := func(source string, ids ...string) []accord.Observation {
		out := make([]accord.Observation, len(ids))
		for i, id := range ids {
			out[i] = monitortest.Observation(source, id)
		}
		return out
	}
	keys := func(source string, ids ...string) []accord.ObservationKey {
		out := make([]accord.ObservationKey, len(ids))
		for i, id := range ids {
			out[i] = accord.ObservationKey{Source: source, ID: id}
		}
		return out
	}
	type record struct {
		id   int64
		keys []accord.ObservationKey
		at   time.Time
	}
	pending := func(t *testing.T, s accord.ObservationOutbox, node string) []record {
		t.Helper()
		var out []record
		if err := s.Pending(ctx, node, func(r accord.PendingRecord) error {
			out = append(out, record{r.ID, r.Keys, r.StoredAt})
			return nil
		}); err != nil {
			t.Fatalf("Pending(%q): %v", node, err)
		}
		return out
	}
	putPending := func(t *testing.T, s accord.ObservationOutbox, batch []accord.Observation, node string) (accord.PutResult, int64) {
		t.Helper()
		res, id, err := s.PutPending(ctx, batch, node, nil)
		if err != nil {
			t.Fatalf("PutPending of %d observations for %q: %v", len(batch), node, err)
		}
		return res, id
	}

	t.Run("only the fresh keys, in the batch's order", func(t *testing.T) {
		s, _ := open(t)
		if _, err := s.Put(ctx, obs("s", "2")); err != nil {
			t.Fatal(err)
		}
		batch := append(obs("s", "3", "2", "1"), obs("s", "3")...) // 2 stored, 3 sent twice
		res, id := putPending(t, s, batch, "a")
		if res.Added != 2 || res.Duplicates != 2 || !slices.Equal(res.New, []bool{true, false, true, false}) || id == 0 {
			t.Fatalf("PutPending: %+v, id %d; want 2 added (3, 1), 2 duplicates, an id", res, id)
		}
		got := pending(t, s, "a")
		if want := []record{{id: id, keys: keys("s", "3", "1")}}; len(got) != 1 || got[0].id != id || !slices.Equal(got[0].keys, want[0].keys) {
			t.Fatalf("pending: %+v, want %+v", got, want)
		}
		for _, k := range keys("s", "1", "2", "3") {
			if _, err := s.Get(ctx, k); err != nil {
				t.Errorf("%v not stored: %v", k, err)
			}
		}
	})
	t.Run("a batch that adds nothing keeps no record", func(t *testing.T) {
		s, _ := open(t)
		putPending(t, s, obs("s", "1"), "a")
		for _, batch := range [][]accord.Observation{obs("s", "1"), nil} {
			if res, id := putPending(t, s, batch, "a"); id != 0 || res.Added != 0 {
				t.Errorf("a batch of %d resends: %+v, id %d; want nothing added, id 0", len(batch), res, id)
			}
		}
		if got := pending(t, s, "a"); len(got) != 1 {
			t.Errorf("pending: %+v; want the first batch's record alone", got)
		}
	})
	t.Run("a refused batch keeps nothing", func(t *testing.T) {
		s, _ := open(t)
		putPending(t, s, obs("s", "1"), "a")
		bad := obs("s", "2", "1")
		bad[1].Count++ // key s/1 with other content
		res, id, err := s.PutPending(ctx, bad, "a", []byte("state"))
		if accord.ErrorCode(err) != accord.EINVALID || id != 0 || res.Added != 0 {
			t.Fatalf("a conflicting batch: %+v, id %d, %v; want EINVALID, no id", res, id, err)
		}
		if _, err := s.Get(ctx, accord.ObservationKey{Source: "s", ID: "2"}); accord.ErrorCode(err) != accord.ENOTFOUND {
			t.Errorf("s/2 of the refused batch: %v, want ENOTFOUND", err)
		}
		if got := pending(t, s, "a"); len(got) != 1 || !slices.Equal(got[0].keys, keys("s", "1")) {
			t.Errorf("pending after the refusal: %+v; want the first batch's record alone", got)
		}
	})
	t.Run("records per node, oldest first, Published idempotent", func(t *testing.T) {
		s, _ := open(t)
		var ids []int64
		for i, node := range []string{"a", "b", "a", "a"} {
			_, id := putPending(t, s, obs(node, fmt.Sprint(i)), node)
			ids = append(ids, id)
		}
		if !slices.IsSorted(ids) || ids[0] == ids[1] {
			t.Fatalf("ids %v: want growing", ids)
		}
		want := map[string][]record{"a": {{id: ids[0], keys: keys("a", "0")}, {id: ids[2], keys: keys("a", "2")}, {id: ids[3], keys: keys("a", "3")}}, "b": {{id: ids[1], keys: keys("b", "1")}}, "c": nil}
		check := func(when string) {
			t.Helper()
			for node, w := range want {
				got := pending(t, s, node)
				if len(got) != len(w) {
					t.Errorf("%s: node %s: %+v, want %+v", when, node, got, w)
					continue
				}
				for i := range got {
					if got[i].id != w[i].id || !slices.Equal(got[i].keys, w[i].keys) {
						t.Errorf("%s: node %s, record %d: %+v, want %+v", when, node, i, got[i], w[i])
					}
				}
			}
		}
		check("kept")
		for range 2 { // the second time forgets nothing more, and is no error
			if err := s.Published(ctx, ids[2]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Published(ctx, 1<<40); err != nil {
			t.Errorf("Published of an id never given: %v", err)
		}
		want["a"] = slices.Delete(want["a"], 1, 2)
		check("after Published")
	})
	t.Run("PendingNodes counts each node's records", func(t *testing.T) {
		s, _ := open(t)
		counts := func() map[string]int {
			t.Helper()
			got, err := s.PendingNodes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := counts(); len(got) != 0 {
			t.Fatalf("an empty outbox: %v", got)
		}
		var last int64
		for i, node := range []string{"a", "b", "a", "c d"} {
			_, last = putPending(t, s, obs(node, fmt.Sprint(i)), node)
		}
		putPending(t, s, obs("a", "0"), "b") // adds nothing: no record
		if got, want := counts(), map[string]int{"a": 2, "b": 1, "c d": 1}; !maps.Equal(got, want) {
			t.Fatalf("PendingNodes: %v, want %v", got, want)
		}
		if err := s.Published(ctx, last); err != nil {
			t.Fatal(err)
		}
		if got, want := counts(), map[string]int{"a": 2, "b": 1}; !maps.Equal(got, want) {
			t.Fatalf("PendingNodes after node c d's record was published: %v, want %v", got, want)
		}
	})
	t.Run("Published inside Pending's callback", func(t *testing.T) {
		s, _ := open(t)
		putPending(t, s, obs("s", "1"), "a")
		putPending(t, s, obs("s", "2"), "a")
		n := 0
		if err := s.Pending(ctx, "a", func(r accord.PendingRecord) error {
			n++
			return s.Published(ctx, r.ID)
		}); err != nil || n != 2 {
			t.Fatalf("Pending: %d records, %v", n, err)
		}
		if got := pending(t, s, "a"); len(got) != 0 {
			t.Errorf("pending after publishing every one: %+v", got)
		}
	})
	t.Run("a pending record survives a restart", func(t *testing.T) {
		s, reopen := open(t)
		before := time.Now()
		_, id := putPending(t, s, obs("s", "1", "2"), "a")
		after := time.Now()
		s = reopen()
		got := pending(t, s, "a")
		if len(got) != 1 || got[0].id != id || !slices.Equal(got[0].keys, keys("s", "1", "2")) {
			t.Fatalf("after reopening: %+v; want record %d of s/1, s/2", got, id)
		}
		// It notes when its batch was stored (a node restarted after
		// JetStream's duplicate window looks for its messages from then).
		if at := got[0].at; at.Before(before.Add(-time.Millisecond)) || at.After(after.Add(time.Millisecond)) {
			t.Errorf("the record's batch stored at %v; want between %v and %v", at, before, after)
		}
		// An id is never given again, even the last one forgotten: a late
		// Published cannot forget another batch's record.
		if err := s.Published(ctx, id); err != nil {
			t.Fatal(err)
		}
		_, id2 := putPending(t, s, obs("s", "3"), "a")
		if id2 <= id {
			t.Errorf("an id after reopening and forgetting the last (%d) is not after it (%d)", id2, id)
		}
	})
	t.Run("the state kept with a record, as given, across a restart", func(t *testing.T) {
		s, reopen := open(t)
		// Any bytes (JSON; a NUL, invalid UTF-8), and none: a record kept
		// without state, as those kept before the stores kept it (NULL),
		// reads nil (the node rebuilds its messages without it).
		states := [][]byte{[]byte(`{"clock":1748750400000000000,"last":"ab12"}`), {0, 0xff, 'x', 0}, nil}
		var ids []int64
		for i, state := range states {
			_, id, err := s.PutPending(ctx, obs("s", fmt.Sprint(i)), "a", state)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for _, when := range []string{"kept", "after reopening"} {
			if when != "kept" {
				s = reopen()
			}
			var got []accord.PendingRecord
			if err := s.Pending(ctx, "a", func(r accord.PendingRecord) error { got = append(got, r); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(states) {
				t.Fatalf("%s: %d records, want %d", when, len(got), len(states))
			}
			for i, r := range got {
				if r.ID != ids[i] || !slices.Equal(r.State, states[i]) || (states[i] == nil) != (r.State == nil) {
					t.Errorf("%s: record %d: id %d, state %q (nil %v); want id %d, state %q (nil %v)", when, i, r.ID, r.State, r.State == nil, ids[i], states[i], states[i] == nil)
				}
			}
		}
	})
}
