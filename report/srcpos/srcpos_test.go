package srcpos

import (
	"testing"

	"github.com/gocsan/gocsan/report"
)

func TestRel(t *testing.T) {
	for _, c := range []struct {
		file, root, want string
		in               bool
	}{
		{"/src/m/a/b.go", "/src/m", "a/b.go", true},
		{"/src/m/a/b.go", "/src/m/", "a/b.go", true},
		{"/src/mx/b.go", "/src/m", "/src/mx/b.go", false},
		{"/usr/local/go/src/sync/mutex.go", "/src/m", "/usr/local/go/src/sync/mutex.go", false},
		{"a/b.go", "/src/m", "a/b.go", true},
		{"/src/m/b.go", "", "/src/m/b.go", false},
		{"", "/src/m", "", false},
	} {
		got, in := Rel(c.file, c.root)
		if got != c.want || in != c.in {
			t.Errorf("Rel(%q, %q) = %q, %v; want %q, %v", c.file, c.root, got, in, c.want, c.in)
		}
	}
}

func TestPrimarySkipsFramesOutsideRoot(t *testing.T) {
	a := report.Access{Stack: []report.Frame{
		{Function: "sync.(*Map).Store", File: "/usr/local/go/src/sync/map.go", Line: 10},
		{Function: "m.put", File: "/src/m/put.go", Line: 7},
	}}
	p := Primary(a, "/src/m")
	if !p.InRoot || p.Path != "put.go" || p.Frame.Line != 7 {
		t.Errorf("Primary = %+v", p)
	}
	p = Primary(a, "/elsewhere")
	if p.InRoot || p.Frame.Function != "sync.(*Map).Store" {
		t.Errorf("Primary outside root = %+v", p)
	}
	if p := Primary(report.Access{}, "/src/m"); p.Path != "" || p.InRoot {
		t.Errorf("Primary of no stack = %+v", p)
	}
}
