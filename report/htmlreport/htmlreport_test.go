package htmlreport

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
)

// fixture writes two source files under a temporary root and returns
// three reports in two packages pointing into them.
func fixture(t *testing.T) (root string, reports []*report.Report) {
	t.Helper()
	root = t.TempDir()
	var src strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&src, "\tline%02d := <b>%d</b> // & \"quoted\"\n", i, i)
	}
	for _, f := range []string{"a/a.go", "b/b.go"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(pkg, file, w, r string, wl, rl int) *report.Report {
		rep := &report.Report{Kind: report.KindDataRace, Package: pkg, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Process: "pid 42, linux/amd64, go1.26.8", ValueChanged: true, Old: 1, New: 2,
			Accesses: []report.Access{
				{Op: report.OpWrite, Addr: 0xc000010000, Size: 8, Goroutine: 7, CPU: -1,
					Stack:     []report.Frame{{Function: pkg + "." + w, File: filepath.Join(root, file), Line: wl}, {Function: pkg + ".TestW", File: filepath.Join(root, file), Line: 29}},
					CreatedBy: &report.Frame{Function: pkg + ".TestW", File: filepath.Join(root, file), Line: 28}, CreatorGoroutine: 6},
				{Op: report.OpRead, Addr: 0xc000010000, Size: 8, Goroutine: 8, CPU: -1,
					Stack: []report.Frame{{Function: pkg + "." + r, File: filepath.Join(root, file), Line: rl}, {Function: "runtime.goexit", File: "/usr/local/go/src/runtime/asm_amd64.s", Line: 1700}}},
			}}
		rep.Title = report.MakeTitle(rep)
		return rep
	}
	reports = []*report.Report{
		mk("example.com/a", "a/a.go", "write<script>", "read", 3, 17),
		mk("example.com/a", "a/a.go", "store", "load", 1, 30),
		mk("example.com/b", "b/b.go", "set", "get", 12, 99), // line 99: file changed since
	}
	reports = append(reports, &report.Report{Kind: report.KindUnknownOrigin, Title: "data-race in x.f", Accesses: []report.Access{
		{Op: report.OpRead, Goroutine: 3, CPU: -1, Stack: []report.Frame{{Function: "x.f", File: "/nonexistent/f.go", Line: 4}}}}})
	return root, reports
}

func render(t *testing.T) (string, []*report.Report) {
	t.Helper()
	root, reports := fixture(t)
	var buf bytes.Buffer
	if err := Write(&buf, reports, []int{5, 1, 2, 1}, Options{Root: root}); err != nil {
		t.Fatal(err)
	}
	return buf.String(), reports
}

func TestContent(t *testing.T) {
	page, reports := render(t)
	for _, r := range reports {
		if !strings.Contains(page, escaped(r.Title)) {
			t.Errorf("title %q missing", r.Title)
		}
	}
	for _, want := range []string{
		`<span class="hit"><i>3</i>    line03 := &lt;b&gt;3&lt;/b&gt; // &amp; &#34;quoted&#34;</span>`, // escaped source, the access marked
		`<i>7</i>`, // context after line 3
		`a/a.go:3`, // repository-relative position
		`created by goroutine 6 in <code>example.com/a.TestW</code> at <code>a/a.go:28</code>`,
		`source has 30 lines, not 99`,  // stale file explained
		`source not available`,         // missing file explained
		`<b class="count">5</b> times`, // counts
		`<option value="example.com/b">example.com/b (1)</option>`,
		`test <b>TestW</b>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "write<script>") {
		t.Error("function name not escaped")
	}
	// Self-contained: nothing is fetched.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:|//)`).FindString(page); m != "" {
		t.Errorf("page fetches something: %s", m)
	}
}

func escaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// chromium returns the path of a headless-capable Chromium, or skips.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: the browser test needs Debian's chromium (apt-get install -y chromium)")
	return ""
}

// dumpDOM loads url in headless Chromium, lets its scripts run, and
// returns the DOM and what Chromium logged (console messages included).
func dumpDOM(t *testing.T, browser, url string) (dom, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=5000", "--dump-dom", url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// jsErrors returns the console errors and uncaught exceptions Chromium
// logged.
func jsErrors(log string) []string {
	var errs []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "CONSOLE") || strings.Contains(l, "Uncaught") {
			errs = append(errs, l)
		}
	}
	return errs
}

func TestInBrowser(t *testing.T) {
	browser := chromium(t)
	page, reports := render(t)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, log := dumpDOM(t, browser, "file://"+path)
	if errs := jsErrors(log); len(errs) != 0 {
		t.Errorf("script errors:\n%s", strings.Join(errs, "\n"))
	}
	if !strings.Contains(dom, `data-ready="true"`) {
		t.Fatalf("the page's script did not finish:\n%.2000s", dom)
	}
	if !strings.Contains(dom, fmt.Sprintf(`data-shown="%d"`, len(reports))) || !strings.Contains(dom, fmt.Sprintf("showing %d of %d", len(reports), len(reports))) {
		t.Errorf("not every race shown:\n%.3000s", dom)
	}
	for _, r := range reports {
		if !strings.Contains(dom, escaped(r.Title)) {
			t.Errorf("race %q not in the rendered page", r.Title)
		}
	}
	// The package filter, preselected through the URL as a person's
	// bookmark would: only example.com/b's race remains visible.
	dom, log = dumpDOM(t, browser, "file://"+path+"#pkg=example.com%2Fb")
	if errs := jsErrors(log); len(errs) != 0 {
		t.Errorf("script errors:\n%s", strings.Join(errs, "\n"))
	}
	if !strings.Contains(dom, `data-shown="1"`) {
		t.Errorf("filter by package did not apply:\n%.3000s", dom)
	}
	hidden := regexp.MustCompile(`<section class="race hidden" id="race-(\d+)" data-package="([^"]+)"`).FindAllStringSubmatch(dom, -1)
	if len(hidden) != len(reports)-1 {
		t.Errorf("%d races hidden, want %d", len(hidden), len(reports)-1)
	}
	for _, h := range hidden {
		if h[2] == "example.com/b" {
			t.Errorf("race %s of the selected package hidden", h[1])
		}
	}
}

// TestBrowserCheckCatchesErrors makes sure the browser test can fail: a
// page whose script throws is caught.
func TestBrowserCheckCatchesErrors(t *testing.T) {
	browser := chromium(t)
	path := filepath.Join(t.TempDir(), "broken.html")
	if err := os.WriteFile(path, []byte(`<!DOCTYPE html><html><body data-ready="false"><script>null.x = 1; document.body.setAttribute("data-ready", "true");</script></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, log := dumpDOM(t, browser, "file://"+path)
	if len(jsErrors(log)) == 0 {
		t.Errorf("the thrown error was not seen in the log:\n%s", log)
	}
	if strings.Contains(dom, `data-ready="true"`) {
		t.Error("broken page reported ready")
	}
}
