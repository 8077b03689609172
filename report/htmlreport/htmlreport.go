package htmlreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/fingerprint"
	"github.com/gocsan/gocsan/report/srcpos"
	"github.com/gocsan/gocsan/report/testjson"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Parse(pageTemplate))

// Options control the page.
type Options struct {
	// Title heads the page (default "gocsan report").
	Title string
	// Root is the repository root: paths are shown relative to it, and
	// relative paths in reports are read from under it.
	Root string
	// Context is the number of source lines shown on each side of an
	// access (default 4).
	Context int
	// ReadFile reads source files (default os.ReadFile).
	ReadFile func(path string) ([]byte, error)
	// Now is the generation time shown (default time.Now()).
	Now time.Time
}

type pageData struct {
	Title     string
	Generated string
	Races     []raceData
	Packages  []pkgCount
	Reports   int
}

type pkgCount struct {
	Name  string
	Races int
}

type raceData struct {
	Index       int
	Kind        string
	Detection   string
	Title       string
	Count       int
	Package     string
	Test        string
	Fingerprint string
	Time        string
	Process     string
	Value       string
	Accesses    []accessData
}

type accessData struct {
	Heading   string
	Location  string
	Source    []sourceLine
	SourceMsg string
	Stack     []frameData
	CreatedBy *frameData
	Creator   string
}

type sourceLine struct {
	N    int
	Text string
	Hit  bool
}

type frameData struct {
	Function string
	Place    string
	InRoot   bool
}

// Write renders the page for reports (deduplicated, with counts from
// report.Dedup; counts may be nil).
func Write(w io.Writer, reports []*report.Report, counts []int, opt Options) error {
	if opt.Title == "" {
		opt.Title = "gocsan report"
	}
	if opt.Context <= 0 {
		opt.Context = 4
	}
	if opt.ReadFile == nil {
		opt.ReadFile = os.ReadFile
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	src := &sources{read: opt.ReadFile, root: opt.Root, files: map[string][]string{}, errs: map[string]error{}}
	d := pageData{Title: opt.Title, Generated: opt.Now.UTC().Format(time.RFC3339)}
	perPkg := map[string]int{}
	for i, r := range reports {
		n := 1
		if i < len(counts) {
			n = counts[i]
		}
		d.Reports += n
		pkg, test := testjson.Attribute(r)
		if pkg == "" {
			pkg = "(unknown package)"
		}
		perPkg[pkg]++
		rd := raceData{
			Index: i + 1, Kind: string(r.Kind), Detection: r.Detection, Title: r.Title, Count: n,
			Package: pkg, Test: test, Fingerprint: fingerprint.Of(r), Process: r.Process,
		}
		if !r.Time.IsZero() {
			rd.Time = r.Time.UTC().Format(time.RFC3339)
		}
		if r.ValueChanged {
			rd.Value = fmt.Sprintf("0x%x → 0x%x", r.Old, r.New)
		}
		for _, a := range r.Accesses {
			rd.Accesses = append(rd.Accesses, access(a, opt, src))
		}
		d.Races = append(d.Races, rd)
	}
	for p, n := range perPkg {
		d.Packages = append(d.Packages, pkgCount{p, n})
	}
	sort.Slice(d.Packages, func(i, j int) bool { return d.Packages[i].Name < d.Packages[j].Name })
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func access(a report.Access, opt Options, src *sources) accessData {
	ad := accessData{Heading: fmt.Sprintf("%s by %s", a.TypeString(), who(a))}
	if a.Op != report.OpLock && a.Op != report.OpRLock && a.Size > 0 {
		ad.Heading += fmt.Sprintf(", %d bytes at 0x%x", a.Size, a.Addr)
	}
	p := srcpos.Primary(a, opt.Root)
	if p.Path != "" {
		ad.Location = fmt.Sprintf("%s:%d", p.Path, p.Frame.Line)
		ad.Source, ad.SourceMsg = src.around(p.Frame.File, p.Frame.Line, opt.Context)
	} else {
		ad.SourceMsg = "no source position"
	}
	for _, f := range a.Stack {
		ad.Stack = append(ad.Stack, frame(f, opt.Root))
	}
	if a.CreatedBy != nil {
		f := frame(*a.CreatedBy, opt.Root)
		ad.CreatedBy = &f
		ad.Creator = fmt.Sprintf("goroutine %d", a.CreatorGoroutine)
	}
	return ad
}

func frame(f report.Frame, root string) frameData {
	p := srcpos.Place(f, root)
	fd := frameData{Function: f.Function, InRoot: p.InRoot}
	if p.Path != "" {
		fd.Place = fmt.Sprintf("%s:%d", p.Path, f.Line)
	}
	if f.SymSize != 0 {
		fd.Function = fmt.Sprintf("%s+0x%x/0x%x", f.Function, f.Offset, f.SymSize)
	}
	return fd
}

func who(a report.Access) string {
	switch {
	case a.Interrupt:
		return fmt.Sprintf("interrupt on cpu %d", a.CPU)
	case a.CPU >= 0:
		return fmt.Sprintf("task %d on cpu %d", a.Goroutine, a.CPU)
	default:
		return fmt.Sprintf("goroutine %d", a.Goroutine)
	}
}

// sources reads and caches source files.
type sources struct {
	read  func(string) ([]byte, error)
	root  string
	files map[string][]string
	errs  map[string]error
}

// around returns the lines of file within ctx of line, or why not.
func (s *sources) around(file string, line, ctx int) ([]sourceLine, string) {
	if file == "" || line <= 0 {
		return nil, "no source position"
	}
	path := file
	if !filepath.IsAbs(path) && s.root != "" {
		path = filepath.Join(s.root, path)
	}
	lines, ok := s.files[path]
	if !ok {
		if err := s.errs[path]; err != nil {
			return nil, "source not available: " + err.Error()
		}
		b, err := s.read(path)
		if err != nil {
			s.errs[path] = err
			return nil, "source not available: " + err.Error()
		}
		lines = strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n")
		s.files[path] = lines
	}
	if line > len(lines) {
		return nil, fmt.Sprintf("source has %d lines, not %d: the file changed since the run", len(lines), line)
	}
	var out []sourceLine
	for n := max(1, line-ctx); n <= min(len(lines), line+ctx); n++ {
		out = append(out, sourceLine{N: n, Text: strings.ReplaceAll(lines[n-1], "\t", "    "), Hit: n == line})
	}
	return out, ""
}
