// Package dashboards holds the Grafana dashboard shipped with gocsan,
// gocsan.json, for the metrics of package metrics (gocsan metrics,
// gocsan test -metrics-addr) and sanitizer/promcollector. Import it in
// Grafana (Dashboards > New > Import) and pick a Prometheus data source.
// The package has no code: its test checks that every metric the
// dashboard queries exists in gocsan's exposition.
package dashboards
