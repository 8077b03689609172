package ghactions

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/srcpos"
	"github.com/gocsan/gocsan/report/testjson"
)

// Options place and limit the output.
type Options struct {
	// Root is the repository root; annotations point at files under it.
	// Publish uses $GITHUB_WORKSPACE when Root is empty.
	Root string
	// Max is the number of ::error annotations to print (default 10).
	Max int
}

// EscapeData escapes a workflow command's message.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a workflow command property value.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Publish does what a run under GitHub Actions should: when getenv
// ("GITHUB_ACTIONS") is "true", it prints annotations to stdout; when
// GITHUB_STEP_SUMMARY names a file, it appends the summary to it.
// Elsewhere it does nothing. getenv is os.Getenv outside tests.
func Publish(stdout io.Writer, getenv func(string) string, reports []*report.Report, counts []int, opt Options) error {
	if opt.Root == "" {
		opt.Root = getenv("GITHUB_WORKSPACE")
	}
	if getenv("GITHUB_ACTIONS") == "true" {
		if err := Annotations(stdout, reports, counts, opt); err != nil {
			return err
		}
	}
	if path := getenv("GITHUB_STEP_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		if err := Summary(f, reports, counts, opt); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return nil
}

// Annotations writes one ::error command per report, at most opt.Max,
// and a ::notice saying how many were left out.
func Annotations(w io.Writer, reports []*report.Report, counts []int, opt Options) error {
	max := opt.Max
	if max <= 0 {
		max = 10
	}
	var b strings.Builder
	for i, r := range reports {
		if i == max {
			fmt.Fprintf(&b, "::notice title=gocsan::%s\n", EscapeData(fmt.Sprintf("%d more reports not annotated; see the job summary or the SARIF upload", len(reports)-max)))
			break
		}
		b.WriteString(Annotation(r, count(counts, i), opt.Root))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func count(counts []int, i int) int {
	if i < len(counts) {
		return counts[i]
	}
	return 1
}

// Annotation returns the ::error command for r: placed at the first
// access that lies in the repository, titled with the report's title,
// its message the accesses in one line followed by the KCSAN text.
func Annotation(r *report.Report, n int, root string) string {
	var props []string
	for _, a := range r.Accesses {
		if p := srcpos.Primary(a, root); p.InRoot {
			props = append(props, "file="+EscapeProperty(p.Path))
			if p.Frame.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", p.Frame.Line))
			}
			break
		}
	}
	props = append(props, "title="+EscapeProperty("gocsan: "+r.Title))
	return "::error " + strings.Join(props, ",") + "::" + EscapeData(headline(r, n, root)+"\n\n"+report.Text(r)) + "\n"
}

// headline says in one line which accesses raced.
func headline(r *report.Report, n int, root string) string {
	var parts []string
	for _, a := range r.Accesses {
		p := srcpos.Primary(a, root)
		parts = append(parts, fmt.Sprintf("%s in %s (%s:%d)", a.TypeString(), p.Frame.Function, p.Path, p.Frame.Line))
	}
	s := kindNoun(r.Kind) + ": " + strings.Join(parts, " races with ")
	if n > 1 {
		s += fmt.Sprintf(" (seen %d times)", n)
	}
	return s
}

func kindNoun(k report.Kind) string {
	switch k {
	case report.KindDataRace:
		return "data race"
	case report.KindAssert:
		return "assertion violated"
	case report.KindUnknownOrigin:
		return "data race at unknown origin"
	case report.KindLockOrder:
		return "possible deadlock"
	}
	return string(k)
}

// Summary writes the Markdown job summary: a table of every report and
// each report's text in a collapsed section.
func Summary(w io.Writer, reports []*report.Report, counts []int, opt Options) error {
	var b strings.Builder
	total := 0
	for i := range reports {
		total += count(counts, i)
	}
	if len(reports) == 0 {
		b.WriteString("## gocsan: no races\n\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "## gocsan: %d distinct %s (%d reports)\n\n", len(reports), plural(len(reports), "race", "races"), total)
	b.WriteString("| # | kind | race | test | accesses | seen |\n|---|---|---|---|---|---|\n")
	for i, r := range reports {
		pkg, test := testjson.Attribute(r)
		if test != "" {
			test = pkg + "." + test
		}
		var acc []string
		for _, a := range r.Accesses {
			p := srcpos.Primary(a, opt.Root)
			acc = append(acc, fmt.Sprintf("%s `%s:%d`", a.TypeString(), p.Path, p.Frame.Line))
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %d |\n", i+1, cell(string(r.Kind)), cell(r.Title), cell(test), cell(strings.Join(acc, " / ")), count(counts, i))
	}
	b.WriteString("\n")
	for i, r := range reports {
		fmt.Fprintf(&b, "<details><summary>%d. %s</summary>\n\n```\n%s```\n\n</details>\n\n", i+1, htmlEscape(r.Title), strings.ReplaceAll(report.Text(r), "```", "`\u200b``"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
	return htmlEscape(s)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
