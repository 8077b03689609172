package watch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gocsan/gocsan/kernel/metrics"
	"github.com/gocsan/gocsan/kernel/source"
	"github.com/gocsan/gocsan/report"
)

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// The verbatim reports of kernel-notes.md, twice: every report is parsed
// twice, shown once (rate limit), and counted in the metrics.
func TestFileRateLimitAndMetrics(t *testing.T) {
	log, err := os.ReadFile("../../report/kernellog/testdata/notes-examples.log")
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Options{})
	srv, addr, err := m.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var text, js bytes.Buffer
	res, err := Run(context.Background(), Config{
		Source:    source.NewReader("twice.log", bytes.NewReader(append(append([]byte{}, log...), log...))),
		Text:      &text,
		JSON:      &js,
		RateLimit: time.Hour,
		Metrics:   m,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reports != 8 || res.Shown != 4 || len(res.Unique) != 4 || res.Skips != 2 {
		t.Errorf("result %+v", res)
	}
	if n := strings.Count(text.String(), "BUG: KCSAN: "); n != 4 {
		t.Errorf("%d text reports", n)
	}
	rs, errs := report.ReadJSON(&js, "json")
	if len(rs) != 4 || len(errs) != 0 {
		t.Errorf("JSON: %d reports, %v", len(rs), errs)
	}
	got := scrape(t, addr.String())
	for _, want := range []string{
		`gocsan_kernel_reports_total{kind="data-race"} 2`,
		`gocsan_kernel_reports_total{kind="assert"} 4`,
		`gocsan_kernel_reports_total{kind="unknown-origin"} 2`,
		`gocsan_kernel_reports_suppressed_total{kind="assert"} 2`,
		`gocsan_kernel_distinct_races 4`,
		`gocsan_kernel_console_lines_total 192`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// kcsanReport is a real-looking report (the layout of kernel/kcsan/
// report.c in 6.12) whose function names carry tag, so the test finds
// its own report among whatever else the host kernel prints.
func kcsanReport(tag string) []string {
	return []string{
		report.Separator,
		fmt.Sprintf("BUG: KCSAN: data-race in %s_read / %s_write", tag, tag),
		"",
		"write to 0xffffffff81e496e0 of 8 bytes by task 39 on cpu 1:",
		fmt.Sprintf(" %s_write+0x19/0x30", tag),
		" access_thread+0x59/0xb0",
		" kthread+0x151/0x190",
		"",
		"read to 0xffffffff81e496e0 of 8 bytes by interrupt on cpu 0:",
		fmt.Sprintf(" %s_read+0x10/0x20", tag),
		" call_timer_fn+0x34/0x1e0",
		"",
		"value changed: 0x000000000005fbc8 -> 0x0000000000060670",
		"",
		"Reported by Kernel Concurrency Sanitizer on:",
		"CPU: 0 UID: 0 PID: 40 Comm: access_thread Not tainted 6.12.117-kcsan #2",
		report.Separator,
	}
}

// writeKmsg writes lines to /dev/kmsg, one record each, from one CPU
// (as KCSAN prints a report with its report lock held). Each line opens
// the device anew: the kernel rate-limits each open file to 10 records
// per 5 s (kernel.printk_devkmsg=ratelimit).
func writeKmsg(t *testing.T, lines []string) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var one unix.CPUSet
	one.Set(0)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		t.Fatalf("pinning the writer to CPU 0: %v", err)
	}
	for _, l := range lines {
		f, err := os.OpenFile(source.KmsgPath, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString(l + "\n")
		f.Close()
		if err != nil {
			t.Fatalf("writing %q to %s: %v", l, source.KmsgPath, err)
		}
	}
}

func canWriteKmsg(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(source.KmsgPath, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("cannot write %s (%v): injecting kernel log lines needs root", source.KmsgPath, err)
	}
	f.Close()
	if b, err := os.ReadFile("/proc/sys/kernel/printk_devkmsg"); err == nil && strings.TrimSpace(string(b)) == "off" {
		t.Skip("kernel.printk_devkmsg=off: user space cannot write to /dev/kmsg")
	}
}

// End to end on the running kernel: a report written line by line into
// /dev/kmsg reaches the collector through the eBPF program on
// printk:console (or /dev/kmsg), is parsed, shown as text and JSON, and
// moves the metrics.
func TestLiveEndToEnd(t *testing.T) {
	canWriteKmsg(t)
	for _, name := range []string{"ebpf", "kmsg"} {
		t.Run(name, func(t *testing.T) {
			var s source.Source
			var err error
			if name == "ebpf" {
				s, err = source.OpenEBPF(source.EBPFOptions{})
				if err != nil {
					t.Skipf("BPF not permitted here: %v", err)
				}
			} else {
				s, err = source.OpenKmsg(source.KmsgPath, false)
				if err != nil {
					t.Skipf("cannot read %s: %v", source.KmsgPath, err)
				}
			}
			defer s.Close()
			m := metrics.New(metrics.Options{Lost: s.Lost, Source: name})
			srv, addr, err := m.Serve("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()

			tag := fmt.Sprintf("gocsan_e2e_%s_%d", name, time.Now().UnixNano())
			got := make(chan *report.Report, 16)
			var text, js bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := Run(ctx, Config{Source: s, Text: &text, JSON: &js, Metrics: m, OnReport: func(r *report.Report) {
					if strings.Contains(r.Title, tag) {
						got <- r
					}
				}})
				done <- err
			}()
			writeKmsg(t, kcsanReport(tag))
			var r *report.Report
			select {
			case r = <-got:
			case <-time.After(60 * time.Second):
				// A watchdog, not a wait: the report normally arrives
				// in milliseconds.
				t.Fatal("no report within 60 s")
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if r.Kind != report.KindDataRace || len(r.Accesses) != 2 || r.Title != fmt.Sprintf("data-race in %s_read / %s_write", tag, tag) {
				t.Fatalf("report %+v", r)
			}
			w, rd := r.Accesses[0], r.Accesses[1]
			if w.Op != report.OpWrite || w.Goroutine != 39 || w.CPU != 1 || len(w.Stack) != 3 || w.Stack[0].Function != tag+"_write" {
				t.Errorf("write access %+v", w)
			}
			if rd.Op != report.OpRead || !rd.Interrupt || rd.Goroutine != -1 || rd.CPU != 0 || len(rd.Stack) != 2 {
				t.Errorf("read access %+v", rd)
			}
			if !r.ValueChanged || r.Old != 0x5fbc8 || r.New != 0x60670 {
				t.Errorf("value %+v", r)
			}
			if !strings.Contains(text.String(), "BUG: KCSAN: data-race in "+tag) || !strings.Contains(js.String(), tag+"_write") {
				t.Errorf("outputs lack the report")
			}
			mt := scrape(t, addr.String())
			for _, want := range []string{`gocsan_kernel_reports_total{kind="data-race"} 1`, `gocsan_kernel_distinct_races 1`, `gocsan_kernel_source_info{source="` + name + `"} 1`} {
				if !strings.Contains(mt, want+"\n") {
					t.Errorf("metrics lack %q:\n%s", want, mt)
				}
			}
			if strings.Contains(mt, "gocsan_kernel_last_report_timestamp_seconds 0\n") {
				t.Error("last report time not set")
			}
		})
	}
}
