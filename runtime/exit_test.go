package runtime_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	rt "github.com/gocsan/gocsan/runtime"
	"github.com/gocsan/gocsan/runtime/statsfile"
)

// raceThen is the child side of TestReportSurvivesExit: it races until a
// report is printed, then ends the way GOCSAN_CHILD_END says.
func raceThen(end string) {
	defer rt.MainExit()
	done := make(chan bool)
	go func() {
		for rt.Reports() == 0 {
			testKernelWrite()
		}
		close(done)
	}()
	for rt.Reports() == 0 {
		testKernelRead()
	}
	<-done
	switch end {
	case "exit0":
		rt.Exit(0)
	case "exit3":
		rt.Exit(3)
	case "panic":
		panic("boom after race")
	case "kill":
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	}
	// "return": MainExit applies the exit code.
}

func TestReportSurvivesExit(t *testing.T) {
	if end := os.Getenv("GOCSAN_CHILD_END"); end != "" {
		raceThen(end)
		return
	}
	for _, c := range []struct {
		end  string
		code int
	}{
		{"return", 66}, {"exit0", 66}, {"exit3", 3}, {"panic", 2}, {"kill", -1},
	} {
		t.Run(c.end, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "reports.jsonl")
			statsDir := filepath.Join(t.TempDir(), "stats")
			cmd := exec.Command(os.Args[0], "-test.run=^TestReportSurvivesExit$")
			cmd.Env = append(os.Environ(), "GOCSAN_CHILD_END="+c.end,
				"GOCSAN=skip=1 delay=1ms json_path="+jsonPath+" stats_dir="+statsDir)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != c.code {
				t.Errorf("exit status %d, want %d; output:\n%s", code, c.code, out)
			}
			if !strings.Contains(string(out), "BUG: KCSAN: data-race in") && c.end != "kill" {
				t.Errorf("no text report on stderr:\n%s", out)
			}
			// The counters survive the process in its stats file.
			procs, err := statsfile.ReadDir(statsDir)
			if err != nil || len(procs) != 1 {
				t.Fatalf("stats dir: %d processes, %v", len(procs), err)
			}
			if procs[0].Counters["reports_printed"] < 1 || procs[0].Counters["setup_watchpoints"] < 1 {
				t.Errorf("stats after exit: %v", procs[0].Counters)
			}
			f, err := os.Open(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			reports, errs := report.ReadJSON(f, jsonPath)
			if len(errs) != 0 || len(reports) == 0 {
				t.Fatalf("json_path holds %d reports, errors %v", len(reports), errs)
			}
			if reports[0].Kind != report.KindDataRace || !strings.Contains(reports[0].Title, "testKernelRead") {
				t.Errorf("unexpected report %q", reports[0].Title)
			}
		})
	}
}
