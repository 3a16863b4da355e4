package mission_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/accord-peace/accord/monitor/monitortest"
)

// heapMiB is the live heap after a collection.
func heapMiB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// A month of observations through the server: what fusion no longer needs
// leaves memory for the store. From the end of the first week to the end
// of the month the heap grows by no more than the ledger's index (72 bytes
// an entry: its tlog hashes and offset) and the agreement engine's record
// of violations, plus a margin for the collector, though three times as
// many observations went through.
func TestHeapIsBoundedOverAMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated month")
	}
	m := openDurable(t, t.TempDir())
	url := serve(t, m)
	var week, weekEntries float64
	total := 0
	for day := 0; day < 30; day++ {
		lines := simulated(t, uint64(100+day), t0.Add(time.Duration(day)*24*time.Hour), 24*time.Hour, 15)
		monitortest.PostLines(t, url, lines, 500)
		total += len(lines)
		if day == 6 {
			week, weekEntries = heapMiB(), float64(m.ledger.Len())
			t.Logf("after a week: %d observations, %d ledger entries, %d open incidents, heap %.1f MiB", total, m.ledger.Len(), m.Open(), week)
		}
	}
	month := heapMiB()
	st, err := m.State()
	if err != nil {
		t.Fatal(err)
	}
	entries := float64(m.ledger.Len()) - weekEntries
	bound := week + entries*72/(1<<20) + float64(len(st.Violations))*2048/(1<<20) + 8
	t.Logf("after a month: %d observations, %d ledger entries, %d open incidents, %d violations in the engine, heap %.1f MiB (bound %.1f)",
		total, m.ledger.Len(), m.Open(), len(st.Violations), month, bound)
	if month > bound {
		t.Errorf("heap %.1f MiB after a month, %.1f after a week: more than the bound %.1f", month, week, bound)
	}
}
