package metrics

import (
	"runtime/debug"

	"github.com/gocsan/gocsan/runtime/statsfile"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// NewRunCollector returns a collector over the run directory dir: the
// counters of every process that kept them there (stats_dir=dir), summed,
// and the reports of every JSON report file dir/*.jsonl (json_path).
func NewRunCollector(dir string) prometheus.Collector {
	return &runCollector{
		stats: NewStatsCollector(func() (map[string]int64, error) {
			procs, err := statsfile.ReadDir(dir)
			return statsfile.Sum(procs), err
		}),
		processes: prometheus.NewDesc("gocsan_processes", "Instrumented processes that kept counters in the run directory, running or exited.", nil, nil),
		dir:       dir,
		reports:   newReportFiles(dir),
	}
}

type runCollector struct {
	stats     prometheus.Collector
	processes *prometheus.Desc
	dir       string
	reports   *reportFiles
}

func (c *runCollector) Describe(ch chan<- *prometheus.Desc) {
	c.stats.Describe(ch)
	c.reports.Describe(ch)
	ch <- c.processes
}

func (c *runCollector) Collect(ch chan<- prometheus.Metric) {
	c.stats.Collect(ch)
	c.reports.Collect(ch)
	procs, _ := statsfile.ReadDir(c.dir) // errors are reported by stats
	ch <- prometheus.MustNewConstMetric(c.processes, prometheus.GaugeValue, float64(len(procs)))
}

// NewBuildInfo returns gocsan_build_info{version, goversion} = 1.
func NewBuildInfo() prometheus.Collector {
	version, goversion := "(devel)", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goversion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace:   Namespace,
		Name:        "build_info",
		Help:        "Version of the gocsan command serving these metrics; always 1.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": goversion},
	}, func() float64 { return 1 })
}

// NewRegistry returns a registry with the run collector over dir, the
// build info, and the serving process's own process metrics.
func NewRegistry(dir string) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewRunCollector(dir), NewBuildInfo(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}
