package api

import (
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
	}
	m.Registry.MustRegister(m.Observations, m.Batches, m.Latency, m.Incidents, m.Entries, m.StoreRetries, m.StoreDown,
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
