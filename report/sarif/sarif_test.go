package sarif

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gocsan/gocsan/report"
)

func frame(fn, file string, line int) report.Frame {
	return report.Frame{Function: fn, File: file, Line: line}
}

func sample(wline int) *report.Report {
	r := &report.Report{
		Kind: report.KindDataRace, Package: "example.com/m",
		Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Source: "go",
		Accesses: []report.Access{
			{Op: report.OpWrite, Addr: 0xc000010000, Size: 8, Goroutine: 7, CPU: -1,
				Stack: []report.Frame{
					frame("sync/atomic.AddInt64", "/usr/local/go/src/sync/atomic/doc.go", 3),
					frame("example.com/m.writer", "/repo/m/w.go", wline),
					frame("example.com/m.TestW", "/repo/m/w_test.go", 9),
				},
				CreatedBy: &report.Frame{Function: "example.com/m.Start", File: "/repo/m/s.go", Line: 30}, CreatorGoroutine: 1},
			{Op: report.OpRead, Addr: 0xc000010000, Size: 8, Goroutine: 8, CPU: -1,
				Stack: []report.Frame{frame("example.com/m.reader", "/repo/m/r.go", 5)}},
		},
		ValueChanged: true, Old: 1, New: 2,
	}
	r.Title = report.MakeTitle(r)
	return r
}

func write(t *testing.T, reports []*report.Report, counts []int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, reports, counts, Options{Root: "/repo", ToolVersion: "v0.1.0", Category: "gocsan"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestStructureGitHubRequires(t *testing.T) {
	u := &report.Report{Kind: report.KindUnknownOrigin, Accesses: []report.Access{{Op: report.OpRead, Goroutine: 3, CPU: -1,
		Stack: []report.Frame{frame("example.com/m.poll", "/repo/m/p.go", 0)}}}, ValueChanged: true}
	u.Title = report.MakeTitle(u)
	odd := &report.Report{Kind: "new-kind", Title: "something new"}
	lock := &report.Report{Kind: report.KindLockOrder, Accesses: []report.Access{
		{Op: report.OpLock, LockClass: "a.mu", HeldClass: "b.mu", Stack: []report.Frame{frame("m.f", "/repo/f.go", 3)}},
		{Op: report.OpLock, LockClass: "b.mu", HeldClass: "c.mu", Stack: []report.Frame{frame("m.g", "/repo/g.go", 4)}},
		{Op: report.OpLock, LockClass: "c.mu", HeldClass: "a.mu", Stack: []report.Frame{frame("m.h", "/repo/h.go", 5)}},
	}}
	lock.Title = report.MakeTitle(lock)
	data := write(t, []*report.Report{sample(12), u, odd, lock}, []int{3, 1, 1, 1})
	if errs := Validate(data); len(errs) != 0 {
		t.Fatalf("invalid SARIF:\n%s\n%s", strings.Join(errs, "\n"), data)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine int }
					}
				}
				RelatedLocations []struct{ ID int }
				CodeFlows        []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location struct{ Message struct{ Text string } }
						}
					}
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 4 {
		t.Fatalf("%d results, want 4", len(res))
	}
	r0 := res[0]
	loc := r0.Locations[0].PhysicalLocation
	// The write's innermost repository frame, not sync/atomic's.
	if loc.ArtifactLocation.URI != "m/w.go" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 12 {
		t.Errorf("location %+v", loc)
	}
	if len(r0.RelatedLocations) != 1 || !strings.Contains(r0.Message.Text, "](1)") || !strings.Contains(r0.Message.Text, "seen 3 times") {
		t.Errorf("related %+v message %q", r0.RelatedLocations, r0.Message.Text)
	}
	if n := len(r0.CodeFlows[0].ThreadFlows); n != 2 {
		t.Errorf("%d thread flows, want one per goroutine", n)
	}
	steps := r0.CodeFlows[0].ThreadFlows[0].Locations
	if len(steps) != 4 || !strings.Contains(steps[0].Location.Message.Text, "created") || !strings.Contains(steps[3].Location.Message.Text, "write by goroutine 7") {
		t.Errorf("thread flow of the writer: %+v", steps)
	}
	if res[1].RuleID != "unknown-origin" || res[1].Locations[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("unknown origin result %+v", res[1])
	}
	if res[2].RuleID != "new-kind" {
		t.Errorf("unknown kind dropped: %+v", res[2])
	}
	if len(res[3].RelatedLocations) != 2 {
		t.Errorf("lock cycle related locations %+v", res[3].RelatedLocations)
	}
}

func TestFingerprintSurvivesLineShifts(t *testing.T) {
	fp := func(data []byte) string {
		var log struct {
			Runs []struct {
				Results []struct{ PartialFingerprints map[string]string }
			}
		}
		if err := json.Unmarshal(data, &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results[0].PartialFingerprints["primaryLocationLineHash"]
	}
	a, b := fp(write(t, []*report.Report{sample(12)}, nil)), fp(write(t, []*report.Report{sample(40)}, nil))
	if a == "" || a != b {
		t.Errorf("fingerprints %q and %q differ after a line shift", a, b)
	}
}

// TestValidatorRejects makes sure the validator can fail: each broken
// document must be rejected.
func TestValidatorRejects(t *testing.T) {
	good := write(t, []*report.Report{sample(12)}, nil)
	for name, breakIt := range map[string]func(m map[string]any){
		"no schema":      func(m map[string]any) { delete(m, "$schema") },
		"wrong version":  func(m map[string]any) { m["version"] = "2.0.0" },
		"no rules":       func(m map[string]any) { driver(m)["rules"] = nil },
		"empty message":  func(m map[string]any) { result0(m)["message"] = map[string]any{"text": ""} },
		"no fingerprint": func(m map[string]any) { delete(result0(m), "partialFingerprints") },
		"line zero":      func(m map[string]any) { loc0(m)["region"] = map[string]any{"startLine": 0} },
		"unlinked related": func(m map[string]any) {
			result0(m)["message"] = map[string]any{"text": "no links"}
		},
		"too many locations": func(m map[string]any) {
			l := result0(m)["locations"].([]any)
			for len(l) < 11 {
				l = append(l, l[0])
			}
			result0(m)["locations"] = l
		},
	} {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		breakIt(m)
		b, _ := json.Marshal(m)
		if errs := Validate(b); len(errs) == 0 {
			t.Errorf("%s: validator accepted it", name)
		}
	}
}

func driver(m map[string]any) map[string]any {
	return m["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)
}

func result0(m map[string]any) map[string]any {
	return m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

func loc0(m map[string]any) map[string]any {
	return result0(m)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
}

func TestLocationInRepositoryPreferred(t *testing.T) {
	r := sample(12)
	// The first access entirely outside the repository.
	r.Accesses[0].Stack = []report.Frame{frame("sync/atomic.AddInt64", "/usr/local/go/src/sync/atomic/doc.go", 3)}
	data := write(t, []*report.Report{r}, nil)
	if errs := Validate(data); len(errs) != 0 {
		t.Fatal(errs)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if got := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "m/r.go" {
		t.Errorf("location %q, want the access in the repository", got)
	}
	if got := res.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI; got != "file:///usr/local/go/src/sync/atomic/doc.go" {
		t.Errorf("related %q", got)
	}
}
