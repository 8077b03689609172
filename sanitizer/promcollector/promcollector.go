package promcollector

import (
	"github.com/gocsan/gocsan/metrics"
	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/sanitizer"
	"github.com/prometheus/client_golang/prometheus"
)

// Collector exposes the counters of sanitizer.Stats, gocsan_reports_total
// by kind and package for the reports printed since New, and
// gocsan_build_info.
type Collector struct {
	stats   prometheus.Collector
	build   prometheus.Collector
	reports *prometheus.CounterVec
	cancel  func()
}

// New returns a Collector and starts counting this process's reports.
func New() *Collector {
	c := &Collector{
		stats: metrics.NewStatsCollector(func() (map[string]int64, error) { return sanitizer.Stats(), nil }),
		build: metrics.NewBuildInfo(),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace,
			Name:      "reports_total",
			Help:      "Reports printed by this process since the collector was created, by kind and package of the reporting access.",
		}, []string{"kind", "package"}),
	}
	c.cancel = sanitizer.OnReport(func(r *report.Report) {
		// Called in the reporting goroutine; a counter increment does
		// not block.
		c.reports.WithLabelValues(string(r.Kind), r.Package).Inc()
	})
	return c
}

// Close stops counting reports; the counters keep their values.
func (c *Collector) Close() { c.cancel() }

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	c.stats.Describe(ch)
	c.build.Describe(ch)
	c.reports.Describe(ch)
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.stats.Collect(ch)
	c.build.Collect(ch)
	c.reports.Collect(ch)
}
