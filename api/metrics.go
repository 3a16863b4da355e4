package api

import (
	"github.com/accord-peace/accord/mission"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the server's Prometheus metrics, on a registry of their own.
type Metrics struct {
	Registry     *prometheus.Registry
	Observations *prometheus.CounterVec // by outcome: added, duplicate
	Batches      *prometheus.CounterVec // by outcome: accepted, refused
	Latency      prometheus.Histogram   // receipt to incidents evaluated, per batch
	Incidents    prometheus.GaugeFunc
	Entries      prometheus.GaugeFunc
	// StoreRetries counts the store operations retried after a lost
	// connection, by store and operation; StoreDown is 1 while a store's
	// last operation found its server unreachable (pgstore.Observer).
	StoreRetries *prometheus.CounterVec
	StoreDown    *prometheus.GaugeVec
	// Stages is where batches' time goes in the mission's stages
	// (ObserveStages): by stage and phase, wait (for the batches before
	// it) or work.
	Stages *prometheus.HistogramVec
}

// NewMetrics registers the metrics; incidents and entries are read when
// scraped.
func NewMetrics(incidents, entries func() float64) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Observations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_observations_total",
			Help: "Observations received, by outcome (added, duplicate)."}, []string{"outcome"}),
		Batches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_batches_total",
			Help: "Observation batches, by outcome (accepted, refused)."}, []string{"outcome"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "accord_batch_seconds",
			Help: "Time from a batch's receipt to its incidents evaluated and recorded.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		Incidents: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accord_incidents_open", Help: "Open incidents."}, incidents),
		Entries:   prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accord_ledger_entries", Help: "Entries in the ledger."}, entries),
		StoreRetries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "accord_store_retries_total",
			Help: "Store operations retried after the connection to the store's server was lost, by store and operation."}, []string{"store", "op"}),
		StoreDown: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "accord_store_unavailable",
			Help: "1 while the store's server cannot be reached (its last operation lost the connection), else 0."}, []string{"store"}),
		Stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "accord_stage_seconds",
			Help:    "Time a batch spent in each stage of the mission (store, pipeline, engine, record): waiting for it (phase wait: the batches before it still there) or working in it (phase work); then its wait for the ledger's commit, after the stages (stage commit, phase work). The embedded deployment's batches; on streams, the stages are the nodes'.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}, []string{"stage", "phase"}),
	}
	m.Registry.MustRegister(m.Observations, m.Batches, m.Latency, m.Incidents, m.Entries, m.StoreRetries, m.StoreDown, m.Stages,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchFeed adds the feed's metrics: the streams open and the clients
// dropped for not reading.
func (m *Metrics) WatchFeed(f *Feed) {
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "accord_feed_clients", Help: "Feed streams open."},
			func() float64 { return float64(f.Stats().Clients) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "accord_feed_dropped_total",
			Help: "Feed clients dropped because a write to them did not complete in time."},
			func() float64 { return float64(f.Stats().Dropped) }))
}

// ObserveStages takes a batch's times in the mission's stages
// (mission.Mission.WatchStages).
func (m *Metrics) ObserveStages(t mission.StageTimes) {
	for i, stage := range mission.Stages {
		m.Stages.WithLabelValues(stage, "wait").Observe(t.Wait[i].Seconds())
		m.Stages.WithLabelValues(stage, "work").Observe(t.Work[i].Seconds())
	}
}

// StoreRetry counts a retry of a store's operation (pgstore.Observer).
func (m *Metrics) StoreRetry(store, op string) { m.StoreRetries.WithLabelValues(store, op).Inc() }

// StoreUnavailable sets whether a store's server is unreachable
// (pgstore.Observer).
func (m *Metrics) StoreUnavailable(store string, unavailable bool) {
	v := 0.0
	if unavailable {
		v = 1
	}
	m.StoreDown.WithLabelValues(store).Set(v)
}
