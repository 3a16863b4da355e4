//go:build unix

package api_test

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
)

// The latency of a batch with hundreds of feed clients that never read, as
// a figure, not a check: ACCORD_MEASURE=1 go test ./api -run
// TestMeasureFeedStalledClients -v.
func TestMeasureFeedStalledClients(t *testing.T) {
	if os.Getenv("ACCORD_MEASURE") == "" {
		t.Skip("a measurement: set ACCORD_MEASURE=1")
	}
	for _, clients := range []int{0, 500} {
		feed := &api.Feed{MaxPerAddr: 1000}
		srv, l := feedServer(t, feed)
		for range clients {
			dialStalled(t, srv.URL)
		}
		waitFor(t, "the streams open", func() bool { return feed.Stats().Clients >= clients })
		var lat []time.Duration
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range 10 {
			start := time.Now()
			postBatch(t, srv.URL, batch(fmt.Sprintf("m%d-", i), 1000))
			lat = append(lat, time.Since(start))
			time.Sleep(200 * time.Millisecond) // the feed's work between batches
		}
		runtime.ReadMemStats(&after)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("%d stalled clients: batch of 1,000 observations: median %v, max %v; %d entries; %.0f MiB allocated in all, heap %.0f MiB",
			clients, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), l.Len(),
			float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), float64(after.HeapInuse)/(1<<20))
		t.Logf("%+v", feed.Stats())
		srv.CloseClientConnections()
	}
}
