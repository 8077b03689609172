package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/gocsan/gocsan/report"
	"github.com/prometheus/client_golang/prometheus"
)

// reportFiles follows the JSON-lines report files of a directory,
// reading only what was appended since the last scrape.
type reportFiles struct {
	dir string

	mu      sync.Mutex
	files   map[string]*followed
	reports *prometheus.Desc
	unique  *prometheus.Desc
	bad     *prometheus.Desc
}

// followed is the state of one report file.
type followed struct {
	offset int64
	counts map[[2]string]int // (kind, package) -> reports
	keys   map[string]bool   // PairKeys of the races
	bad    int               // lines that are not reports
}

func newReportFiles(dir string) *reportFiles {
	return &reportFiles{
		dir:   dir,
		files: map[string]*followed{},
		reports: prometheus.NewDesc("gocsan_reports_total",
			"Reports written to the run's JSON report files, by kind (data-race, assert, unknown-origin, lock-order) and package of the reporting access.",
			[]string{"kind", "package"}, nil),
		unique: prometheus.NewDesc("gocsan_races_unique",
			"Distinct races (by pair of racing source lines) in the run's report files.", nil, nil),
		bad: prometheus.NewDesc("gocsan_report_lines_invalid",
			"Lines of the run's report files that are not reports (a process killed while writing leaves one).", nil, nil),
	}
}

func (r *reportFiles) Describe(ch chan<- *prometheus.Desc) {
	ch <- r.reports
	ch <- r.unique
	ch <- r.bad
}

func (r *reportFiles) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	paths, _ := filepath.Glob(filepath.Join(r.dir, "*.jsonl"))
	present := map[string]bool{}
	var errs []error
	for _, p := range paths {
		present[p] = true
		if err := r.update(p); err != nil {
			errs = append(errs, err)
		}
	}
	for p := range r.files {
		if !present[p] {
			delete(r.files, p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		ch <- prometheus.NewInvalidMetric(r.reports, err)
	}
	counts := map[[2]string]int{}
	keys := map[string]bool{}
	bad := 0
	for _, f := range r.files {
		for k, n := range f.counts {
			counts[k] += n
		}
		for k := range f.keys {
			keys[k] = true
		}
		bad += f.bad
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(r.reports, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	ch <- prometheus.MustNewConstMetric(r.unique, prometheus.GaugeValue, float64(len(keys)))
	ch <- prometheus.MustNewConstMetric(r.bad, prometheus.GaugeValue, float64(bad))
}

// update reads the complete lines appended to path since the last call.
// A file that shrank was truncated (gocsan test does so at the start of
// a run) and is read again from the start.
func (r *reportFiles) update(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fl := r.files[path]
	if fl == nil || st.Size() < fl.offset {
		fl = &followed{counts: map[[2]string]int{}, keys: map[string]bool{}}
		r.files[path] = fl
	}
	if st.Size() == fl.offset {
		return nil
	}
	if _, err := f.Seek(fl.offset, io.SeekStart); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, st.Size()-fl.offset))
	if err != nil {
		return err
	}
	// Only complete lines: the last one may be still being written.
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		return nil
	}
	for _, line := range bytes.Split(data[:end], []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rep report.Report
		if err := json.Unmarshal(line, &rep); err != nil {
			fl.bad++
			continue
		}
		fl.counts[[2]string{string(rep.Kind), rep.Package}]++
		fl.keys[report.PairKey(&rep)] = true
	}
	fl.offset += int64(end + 1)
	return nil
}
