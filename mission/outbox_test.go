package mission_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// An ingest node's store stage with the outbox: the batch's new
// observations and a pending record of them, read back in the batch's
// order with the node's state until Published; a store without an outbox is refused, nothing
// stored.
func TestStorePending(t *testing.T) {
	ctx := context.Background()
	a, k := mustReference(t)
	d, err := local.Open(ctx, local.Config{Dir: t.TempDir(), Agreement: a, Kernel: k, StreamFed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m := d.Mission
	if err := m.CheckOutbox(); err != nil {
		t.Fatalf("SQLite: %v", err)
	}
	o1, o2 := monitortest.Observation("s", "1"), monitortest.Observation("s", "2")
	st, id, err := m.StorePending(ctx, []monitor.Observation{o2, o1, o2}, nil, "n1", []byte(`{"last":"x"}`))
	if err != nil || id == 0 || st.Added != 2 || st.Duplicates != 1 || len(st.Fresh) != 2 {
		t.Fatalf("StorePending: %+v, record %d, %v; want 2 added, 1 duplicate, a record", st, id, err)
	}
	if st, again, err := m.StorePending(ctx, []monitor.Observation{o1}, nil, "n1", nil); err != nil || again != 0 || st.Added != 0 {
		t.Fatalf("a resend: %+v, record %d, %v; want nothing added, no record", st, again, err)
	}
	pending := func(node string) (ids []int64, keys [][]monitor.Key) {
		t.Helper()
		if err := m.Pending(ctx, node, func(id int64, _ time.Time, state []byte, fresh []monitor.Observation) error {
			if string(state) != `{"last":"x"}` {
				t.Errorf("record %d: state %q, want the one kept", id, state)
			}
			var ks []monitor.Key
			for i := range fresh {
				ks = append(ks, fresh[i].Key())
				if want := []monitor.Observation{o2, o1}[min(i, 1)]; fresh[i].Digest() != want.Digest() {
					t.Errorf("record %d, observation %d: %+v, want %+v", id, i, fresh[i], want)
				}
			}
			ids, keys = append(ids, id), append(keys, ks)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ids, keys
	}
	ids, keys := pending("n1")
	if len(ids) != 1 || ids[0] != id || len(keys[0]) != 2 || keys[0][0] != o2.Key() || keys[0][1] != o1.Key() {
		t.Fatalf("n1's pending: %v %v; want record %d of s/2, s/1", ids, keys, id)
	}
	if ids, _ := pending("n2"); len(ids) != 0 {
		t.Errorf("n2's pending: %v; want none", ids)
	}
	if err := m.Published(ctx, id); err != nil {
		t.Fatal(err)
	}
	if ids, _ := pending("n1"); len(ids) != 0 {
		t.Errorf("n1's pending after Published: %v; want none", ids)
	}

	ms := monitor.NewMemStore()
	mem, err := mission.Open(ctx, mission.Config{Agreement: a, Kernel: k, Observations: ms, Incidents: monitor.NewMemIncidentStore()})
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.CheckOutbox(); accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("a store without an outbox: %v; want EINVALID", err)
	}
	if _, _, err := mem.StorePending(ctx, []monitor.Observation{o1}, nil, "n1", nil); accord.ErrorCode(err) != accord.EINVALID {
		t.Errorf("StorePending on a store without an outbox: %v; want EINVALID", err)
	}
	if n, _ := ms.Len(ctx); n != 0 {
		t.Errorf("StorePending refused, yet %d observations stored", n)
	}
}
