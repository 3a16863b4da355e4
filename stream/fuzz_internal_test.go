package stream

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor/monitortest"
	"github.com/accord-peace/accord/sector"
)

// A message of the observation stream — its body and its headers, as
// any node or version may have written them — is read and fused by a
// sector's worker without a panic: one the worker cannot read is an
// error (dropped, logged), never a worker that dies on it at every
// redelivery, the sector stopped for good.
func FuzzWorkerMessage(f *testing.F) {
	a, k := monitortest.Reference(f)
	plan, err := sector.NewPlan(a.Monitoring, k, 1)
	if err != nil {
		f.Fatal(err)
	}
	w, err := sector.NewWorker(plan, 0, a.Monitoring, k, fusion.Config{})
	if err != nil {
		f.Fatal(err)
	}
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	line := `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.8,48.1]},"properties":{"source":{"id":"uav-1","kind":"uav","owner":"osce"},"id":"o1","observed_at":"2025-06-01T12:00:00Z","reported_at":"2025-06-01T12:01:00Z","event":"firing","count":1,"attributed_to":"unknown","accuracy_m":50,"time_accuracy_s":10,"confidence":0.8}}`
	ns := func(t time.Time) string { return itoa(t.UnixNano()) }
	f.Add([]byte(line+"\n"), "", "", "", "", "", "")
	f.Add([]byte(line+"\n"+strings.Replace(line, `"o1"`, `"o2"`, 1)+"\n"), "1", "0:"+ns(at)+",1:"+ns(at.Add(time.Minute)), "3,7", "5:"+ns(at.Add(time.Hour)), "4:"+ns(at.Add(26*time.Hour)), "")
	f.Add([]byte(""), "", "", "", "0:"+ns(at), "", ns(at.Add(48*time.Hour)))
	f.Add([]byte(line+"\n"), "0", "0:-1", "0", "1:9223372036854775807", "1:1,2:-9223372036854775808", "-9223372036854775808")
	f.Fuzz(func(t *testing.T, data []byte, halo, clock, lines, ticks, presenceTicks, tick string) {
		h := nats.Header{}
		for k, v := range map[string]string{HeaderHalo: halo, HeaderClock: clock, HeaderLines: lines, HeaderTicks: ticks, HeaderPresenceTicks: presenceTicks, HeaderTick: tick} {
			if v != "" {
				h.Set(k, v)
			}
		}
		if tick != "" {
			if at, _, err := tickOf(h); err == nil {
				w.TickPresence(at)
			}
			return
		}
		p, err := decodeObsMsg("accord.obs.0", data, h)
		if err != nil {
			return
		}
		w.ObserveTicks(p.obs, p.own, p.clocks, p.lines, p.ticks)
	})
}
