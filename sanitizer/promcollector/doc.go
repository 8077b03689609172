// Package promcollector is a prometheus.Collector over this process's
// gocsan counters (sanitizer.Stats) and reports, for a service that
// already serves its own Prometheus registry:
//
//	c := promcollector.New()
//	defer c.Close()
//	registry.MustRegister(c)
//
// The metric names are those of gocsan's metrics package and the
// bundled Grafana dashboard (gocsan_data_races_total, ...). It lives
// apart from package sanitizer so that programs which do not use
// Prometheus never link client_golang.
package promcollector
