package metrics

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/gocsan/gocsan/report"
)

const debugfsSample = `enabled: 1
used_watchpoints: 1
setup_watchpoints: 4711
data_races: 24

blacklisted functions: none
`

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	kcsan := filepath.Join(dir, "kcsan")
	if err := os.WriteFile(kcsan, []byte(debugfsSample), 0o644); err != nil {
		t.Fatal(err)
	}
	lost := uint64(3)
	m := New(Options{DebugfsPath: kcsan, Lost: func() uint64 { return lost }, Source: "file"})
	srv, addr, err := m.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	at := time.Unix(1700000000, 0)
	a := &report.Report{Kind: report.KindDataRace, Title: "data-race in a / b"}
	b := &report.Report{Kind: report.KindAssert, Title: "assert: race in c / d"}
	m.Report(a, true, at)
	m.Report(a, false, at)
	m.Report(b, true, at.Add(time.Second))
	for i := 0; i < 5; i++ {
		m.Line()
	}
	m.Skipped(2)

	text := scrape(t, "http://"+addr.String()+"/metrics")
	for _, want := range []string{
		`gocsan_kernel_reports_total{kind="data-race"} 2`,
		`gocsan_kernel_reports_total{kind="assert"} 1`,
		`gocsan_kernel_reports_total{kind="unknown-origin"} 0`,
		`gocsan_kernel_reports_suppressed_total{kind="data-race"} 1`,
		`gocsan_kernel_distinct_races 2`,
		`gocsan_kernel_last_report_timestamp_seconds 1.700000001e+09`,
		`gocsan_kernel_console_lines_total 5`,
		`gocsan_kernel_console_lost_total 3`,
		`gocsan_kernel_parse_skipped_lines_total 2`,
		`gocsan_kernel_source_info{source="file"} 1`,
		`gocsan_kernel_kcsan_debugfs_up{path="` + kcsan + `"} 1`,
		`gocsan_kernel_kcsan_enabled 1`,
		`gocsan_kernel_kcsan_used_watchpoints 1`,
		`gocsan_kernel_kcsan_setup_watchpoints_total 4711`,
		`gocsan_kernel_kcsan_data_races_total 24`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	problems, err := promlint.New(strings.NewReader(text)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}

	// The kernel's file goes away (debugfs unmounted): up drops to 0,
	// the scrape still works.
	os.Remove(kcsan)
	text = scrape(t, "http://"+addr.String()+"/metrics")
	if !strings.Contains(text, `gocsan_kernel_kcsan_debugfs_up{path="`+kcsan+`"} 0`) || strings.Contains(text, "gocsan_kernel_kcsan_data_races_total") {
		t.Errorf("after removal:\n%s", text)
	}
}
