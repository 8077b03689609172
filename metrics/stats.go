package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Namespace prefixes every metric.
const Namespace = "gocsan"

// statMetric maps one runtime counter (named as in runtime/stats.go and
// sanitizer.Stats) to its Prometheus metric.
type statMetric struct {
	stat  string
	name  string
	help  string
	gauge bool
	scale float64 // multiplies the raw value: base units (seconds)
}

// statMetrics covers every runtime counter; a test fails when the
// runtime gains one that is missing here.
var statMetrics = []statMetric{
	{stat: "data_races", name: "data_races_total", help: "Watchpoint hits by conflicting accesses: races seen (KCSAN's data_races), counted by the hitting goroutine, before rate limiting."},
	{stat: "setup_watchpoints", name: "watchpoints_setup_total", help: "Watchpoints armed (KCSAN's setup_watchpoints)."},
	{stat: "used_watchpoints", name: "watchpoints_armed", help: "Watchpoints armed right now (KCSAN's used_watchpoints), over running processes.", gauge: true},
	{stat: "sampled_accesses", name: "sampled_accesses_total", help: "Accesses picked by sampling to set up a watchpoint."},
	{stat: "delay_budget_skips", name: "delay_budget_skips_total", help: "Samples skipped because the delay budget (option delay_budget) was spent."},
	{stat: "assert_failures", name: "assert_failures_total", help: "Violated concurrency assertions (KCSAN's assert_failures)."},
	{stat: "no_capacity", name: "watchpoints_no_capacity_total", help: "Accesses that found every candidate watchpoint slot busy and went unwatched (KCSAN's no_capacity)."},
	{stat: "report_races", name: "report_races_total", help: "Watchpoint hits that lost the claim to report to another hitter or to the watcher (KCSAN's report_races)."},
	{stat: "races_unknown_origin", name: "races_unknown_origin_total", help: "Values that changed while watched with no instrumented access hitting the watchpoint (KCSAN's races_unknown_origin)."},
	{stat: "unencodable_accesses", name: "unencodable_accesses_total", help: "Accesses too large to watch (KCSAN's unencodable_accesses)."},
	{stat: "encoding_false_positives", name: "encoding_false_positives_total", help: "Watchpoint matches whose real address ranges did not overlap (KCSAN's encoding_false_positives)."},
	{stat: "reports_printed", name: "reports_printed_total", help: "Reports written to the report sinks."},
	{stat: "reports_suppressed", name: "reports_suppressed_total", help: "Reports dropped by rate limiting, the ignore list or value_change_only."},
	{stat: "hb_races", name: "hb_races_total", help: "Races reported by the happens-before detector (option hb), before rate limiting."},
	{stat: "hb_resets", name: "hb_resets_total", help: "Times the happens-before detector emptied its tables because one was full (option hb_memory)."},
	{stat: "delay_nanoseconds", name: "delay_seconds_total", help: "Time goroutines spent delayed with a watchpoint armed.", scale: 1e-9},
}

// StatsFunc returns counters by their runtime names; sanitizer.Stats
// (wrapped) and a run directory's stats files are the two sources.
type StatsFunc func() (map[string]int64, error)

type statsCollector struct {
	source StatsFunc
	descs  []*prometheus.Desc
}

// NewStatsCollector returns a collector exposing the counters source
// returns, read at every scrape. When source fails, the scrape reports
// the error for these metrics and still serves the others.
func NewStatsCollector(source StatsFunc) prometheus.Collector {
	c := &statsCollector{source: source}
	for _, m := range statMetrics {
		c.descs = append(c.descs, prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", m.name), m.help, nil, nil))
	}
	return c
}

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	stats, err := c.source()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.descs[0], err)
		if stats == nil {
			return
		}
	}
	for i, m := range statMetrics {
		v := float64(stats[m.stat])
		if m.scale != 0 {
			v *= m.scale
		}
		typ := prometheus.CounterValue
		if m.gauge {
			typ = prometheus.GaugeValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], typ, v)
	}
}
