package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/baseline"
	"github.com/gocsan/gocsan/report/sarif"
)

// The GitHub Action (action.yml) is run here as the runner runs it: its
// step's run line under bash, with the inputs mapped to the step's env as
// action.yml maps them (defaults unless a test sets them) and the
// runner's variables (GITHUB_WORKSPACE, GITHUB_ACTION_PATH, RUNNER_TEMP,
// GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY) pointing into a
// temporary directory. Nothing is fetched but gocsan's own modules,
// through the module proxy, as go build does.

type actionDef struct {
	defaults map[string]string // input -> default
	env      map[string]string // step env variable -> input it carries
	run      string            // the step's run line
}

var (
	actionInput = regexp.MustCompile(`^  ([a-z-]+):$`)
	actionDflt  = regexp.MustCompile(`^    default: (.*)$`)
	actionEnv   = regexp.MustCompile(`^        ([A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$`)
	actionRun   = regexp.MustCompile(`^      run: (.*)$`)
)

// readAction reads the parts of action.yml the runner acts on. It knows
// only the layout action.yml has; a changed layout fails the test
// through the checks below rather than being misread.
func readAction(t *testing.T, path string) actionDef {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := actionDef{defaults: map[string]string{}, env: map[string]string{}}
	section, input := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line != "" && line[0] != ' ' && line[0] != '#' {
			section, _, _ = strings.Cut(line, ":")
			continue
		}
		switch {
		case section == "inputs" && actionInput.MatchString(line):
			input = actionInput.FindStringSubmatch(line)[1]
			a.defaults[input] = ""
		case section == "inputs" && actionDflt.MatchString(line):
			v := actionDflt.FindStringSubmatch(line)[1]
			if v == "''" || v == `""` {
				v = ""
			}
			a.defaults[input] = v
		case section == "runs" && actionEnv.MatchString(line):
			m := actionEnv.FindStringSubmatch(line)
			a.env[m[1]] = m[2]
		case section == "runs" && actionRun.MatchString(line):
			a.run = actionRun.FindStringSubmatch(line)[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestActionDefinition(t *testing.T) {
	a := readAction(t, filepath.Join(repoRoot(t), "action.yml"))
	want := []string{"packages", "profile", "flags", "working-directory", "sarif", "junit", "baseline"}
	for _, in := range want {
		if _, ok := a.defaults[in]; !ok {
			t.Errorf("action.yml has no input %q", in)
		}
	}
	carried := map[string]bool{}
	for _, in := range a.env {
		carried[in] = true
	}
	for in := range a.defaults {
		if !carried[in] {
			t.Errorf("input %q is not passed to the step's env", in)
		}
	}
	if !strings.Contains(a.run, "scripts/github-action.sh") {
		t.Errorf("the step runs %q, not scripts/github-action.sh", a.run)
	}
}

type actionResult struct {
	code                   int
	log, summary, ghOutput string
	ghPath                 string
}

// runAction runs the action's step with inputs (the rest default) in
// workspace; runner holds the runner's files; extra is more environment.
func runAction(t *testing.T, a actionDef, workspace, runner string, inputs map[string]string, extra ...string) actionResult {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "INPUT_") || strings.HasPrefix(k, "GOCSAN") {
			continue // the test's own runner, if any, must not leak in
		}
		env = append(env, kv)
	}
	for k, in := range a.env {
		v, ok := inputs[in]
		if !ok {
			v = a.defaults[in]
		}
		env = append(env, k+"="+v)
	}
	for k := range inputs {
		if _, ok := a.defaults[k]; !ok {
			t.Fatalf("no input %q in action.yml", k)
		}
	}
	if err := os.MkdirAll(runner, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"GITHUB_STEP_SUMMARY": filepath.Join(runner, "summary.md"),
		"GITHUB_OUTPUT":       filepath.Join(runner, "output"),
		"GITHUB_PATH":         filepath.Join(runner, "path"),
	}
	for k, f := range files {
		env = append(env, k+"="+f)
	}
	env = append(env, "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+workspace,
		"GITHUB_ACTION_PATH="+repoRoot(t), "RUNNER_TEMP="+filepath.Join(runner, "tmp"),
		"GOCSAN_ACTION_REF=v0.0.0-action-test")
	env = append(env, extra...)
	if err := os.MkdirAll(filepath.Join(runner, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	// As the runner runs a bash step: bash --noprofile --norc -eo
	// pipefail with the step's text, in the workspace.
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", a.run)
	cmd.Dir = workspace
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	r := actionResult{log: string(out)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		r.code = ee.ExitCode()
	}
	read := func(k string) string {
		b, _ := os.ReadFile(files[k])
		return string(b)
	}
	r.summary, r.ghOutput, r.ghPath = read("GITHUB_STEP_SUMMARY"), read("GITHUB_OUTPUT"), read("GITHUB_PATH")
	return r
}

func outputValue(ghOutput, name string) string {
	for _, line := range strings.Split(ghOutput, "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return v
		}
	}
	return ""
}

var errorAnnotation = regexp.MustCompile(`(?m)^::error file=([^,]+),line=(\d+),title=gocsan%3A [^:]+::`)

// TestGitHubAction runs the action on the racy catalogue placed in a
// subdirectory of the workspace (working-directory), then again with a
// baseline made from the first run's reports.
func TestGitHubAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gocsan and runs the racy catalogue")
	}
	t.Parallel()
	a := readAction(t, filepath.Join(repoRoot(t), "action.yml"))
	workspace := t.TempDir()
	mod := filepath.Join(workspace, "racy")
	if err := os.CopyFS(mod, os.DirFS(abs(t, "../../testdata/racy"))); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	deterministic := "GOCSAN=skip=1 delay=1ms delay_budget=0 report_once_in=0 reorder=0 json_path="
	reports := filepath.Join(tmp, "first.jsonl")
	r := runAction(t, a, workspace, filepath.Join(tmp, "runner1"), map[string]string{
		"working-directory": "racy", "packages": ".", "flags": "-count=1", "junit": "out/junit.xml",
	}, deterministic+reports)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (races)\n%s", r.code, r.log)
	}
	if !strings.Contains(r.log, "gocsan v0.0.0-action-test (") {
		t.Errorf("gocsan is not built at the action's ref:\n%s", r.log)
	}
	bin := filepath.Join(tmp, "runner1", "tmp", "gocsan-action", "bin")
	if strings.TrimSpace(r.ghPath) != bin {
		t.Errorf("GITHUB_PATH holds %q, want %s", r.ghPath, bin)
	}
	if _, err := os.Stat(filepath.Join(bin, "gocsan")); err != nil {
		t.Error(err)
	}

	// Annotations at racy files, relative to the workspace.
	anns := errorAnnotation.FindAllStringSubmatch(r.log, -1)
	if len(anns) == 0 {
		t.Fatalf("no ::error annotations:\n%s", r.log)
	}
	for _, m := range anns {
		if !strings.HasPrefix(m[1], "racy/") {
			t.Errorf("annotation at %s, want a path relative to the workspace", m[1])
		}
		if _, err := os.Stat(filepath.Join(workspace, m[1])); err != nil {
			t.Errorf("annotation at a file that is not there: %v", err)
		}
	}
	distinct, _ := report.Dedup(readReports(t, reports))
	if len(distinct) == 0 {
		t.Fatal("no reports")
	}
	if want := min(len(distinct), 10); len(anns) != want {
		t.Errorf("%d annotations for %d races, want %d", len(anns), len(distinct), want)
	}

	summaryHead, _, _ := strings.Cut(r.summary, "\n\n<details>")
	t.Logf("first run: exit %d, %d annotations (first: %s:%s), outputs:\n%s\njob summary:\n%s", r.code, len(anns), anns[0][1], anns[0][2], r.ghOutput, summaryHead)

	// The job summary, the outputs and the files.
	if !strings.HasPrefix(r.summary, "## gocsan: ") || !strings.Contains(r.summary, "| # | kind | race |") {
		t.Errorf("job summary:\n%s", r.summary)
	}
	for _, rep := range distinct {
		if !strings.Contains(r.summary, htmlText(rep.Title)) {
			t.Errorf("the job summary lacks %q", rep.Title)
		}
	}
	if got := outputValue(r.ghOutput, "exit-code"); got != "1" {
		t.Errorf("output exit-code=%q, want 1", got)
	}
	sarifPath, junitPath := outputValue(r.ghOutput, "sarif"), outputValue(r.ghOutput, "junit")
	if sarifPath != filepath.Join(mod, "gocsan.sarif") || junitPath != filepath.Join(mod, "out", "junit.xml") {
		t.Errorf("outputs sarif=%s junit=%s, want them in %s", sarifPath, junitPath, mod)
	}
	data, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	if problems := sarif.Validate(data); len(problems) != 0 {
		t.Errorf("SARIF does not validate: %v", problems)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Version string }
			}
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != len(distinct) {
		t.Fatalf("SARIF: %v; want %d results", err, len(distinct))
	}
	if v := log.Runs[0].Tool.Driver.Version; v != "v0.0.0-action-test" {
		t.Errorf("SARIF names gocsan version %q, want the action's ref", v)
	}
	for _, res := range log.Runs[0].Results {
		if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, "racy/") {
			t.Errorf("SARIF location %q is not relative to the repository (the workspace)", uri)
		}
	}
	if j, err := os.ReadFile(junitPath); err != nil || !strings.Contains(string(j), `type="DataRace"`) {
		t.Errorf("JUnit: %v\n%s", err, j)
	}

	// With a baseline of the first run: only new races are reported,
	// and they alone (or failures that are not races) fail the step.
	base := filepath.Join(mod, ".gocsan-baseline.json")
	if o, code := gocsan(t, mod, nil, "report", "baseline", "-o", base, reports); code != 0 {
		t.Fatalf("report baseline: %d\n%s", code, o)
	}
	b, err := baseline.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(tmp, "second.jsonl")
	r = runAction(t, a, workspace, filepath.Join(tmp, "runner2"), map[string]string{
		"working-directory": "racy", "packages": ".", "flags": "-count=2 -run=^TestRacyMap$", "baseline": ".gocsan-baseline.json",
	}, deterministic+second)
	all, _ := report.Dedup(readReports(t, second))
	var fresh []*report.Report
	for _, rep := range all {
		if !b.Contains(rep) {
			fresh = append(fresh, rep)
		}
	}
	if len(fresh) == len(all) {
		t.Fatalf("the second run found none of the baseline's races (%d races)\n%s", len(all), r.log)
	}
	t.Logf("with the baseline: exit %d, %d races, %d new; job summary starts %q", r.code, len(all), len(fresh), strings.SplitN(r.summary, "\n", 2)[0])
	if want := map[bool]int{true: 0, false: 1}[len(fresh) == 0]; r.code != want {
		t.Errorf("with the baseline: exit %d for %d new races, want %d\n%s", r.code, len(fresh), want, r.log)
	}
	if n := len(errorAnnotation.FindAllString(r.log, -1)); n != min(len(fresh), 10) {
		t.Errorf("with the baseline: %d annotations for %d new races", n, len(fresh))
	}
	if len(fresh) == 0 && !strings.HasPrefix(r.summary, "## gocsan: no races") {
		t.Errorf("with the baseline and no new race, the summary is:\n%s", r.summary)
	}
	if !strings.Contains(r.log, "races are in baseline") {
		t.Errorf("the log does not say how many races the baseline held:\n%s", r.log)
	}
}

// htmlText is s as the job summary's table escapes it.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`).Replace(s)
}
