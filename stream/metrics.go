package stream

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the stream's figures in /metrics.
type Metrics struct {
	// Published counts the messages JetStream acknowledged, by stream.
	Published *prometheus.CounterVec
	// Redelivered counts the messages a consumer got again (a worker
	// that died or was too slow to acknowledge).
	Redelivered prometheus.Counter
	// Pending is, per consumer, the messages not yet processed.
	Pending *prometheus.GaugeVec
	// Reconnects counts the connections to NATS lost and made again.
	Reconnects prometheus.Counter
	// Leases is, per sector, 1 while this process's worker holds the
	// sector's lease (it fuses the sector), 0 while it waits as a
	// standby or lost it.
	Leases *prometheus.GaugeVec
	// WorkerNodes is the number of live worker nodes this process sees
	// in the leases' bucket, itself included (spread.go): each holds at
	// most ceil(sectors/nodes) sectors, save for a sector free longer
	// than the grace.
	WorkerNodes prometheus.Gauge
}

// NewMetrics makes the stream's metrics, registered with r when not nil.
func NewMetrics(r prometheus.Registerer) *Metrics {
	m := &Metrics{
		Published:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_stream_published_total", Help: "Messages published and acknowledged by JetStream, by stream."}, []string{"stream"}),
		Redelivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_stream_redelivered_total", Help: "Messages delivered again to a consumer (not acknowledged in time, or its worker died)."}),
		Pending:     prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "accord_stream_pending", Help: "Messages not yet processed, by consumer (sector-N workers, recorder)."}, []string{"consumer"}),
		Reconnects:  prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_stream_reconnects_total", Help: "Connections to NATS lost and made again."}),
		Leases:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "accord_sector_leases", Help: "1 while this process's worker holds the sector's lease and fuses it, 0 while it waits as a standby."}, []string{"sector"}),
		WorkerNodes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "accord_worker_nodes", Help: "Live worker nodes this process sees in ACCORD_LEASES, itself included (0 on a node that runs no sector worker); each holds at most ceil(sectors/nodes) sectors."}),
	}
	if r != nil {
		r.MustRegister(m.Published, m.Redelivered, m.Pending, m.Reconnects, m.Leases, m.WorkerNodes)
	}
	return m
}
