package realworld

import (
	"os"
	"reflect"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func tops(stacks [][]Frame) []string {
	var out []string
	for _, s := range stacks {
		if len(s) == 0 {
			out = append(out, "(empty)")
			continue
		}
		out = append(out, s[0].String())
	}
	return out
}

// A real go test -race output (logrus v1.9.3 TestWriterSplitNewlines):
// two blocks, each with two access stacks whose top frames are in
// bytes.Buffer or the runtime, and two creation stacks.
func TestParseRace(t *testing.T) {
	reps := ParseRace(readTestdata(t, "race-logrus-writer.txt"))
	if len(reps) != 2 {
		t.Fatalf("got %d reports, want 2: %+v", len(reps), reps)
	}
	if got, want := tops(reps[1].Accesses), []string{"runtime.slicebytetostring string.go:139", "runtime.slicecopy slice.go:392"}; !reflect.DeepEqual(got, want) {
		t.Errorf("second report's access tops = %q, want %q", got, want)
	}
	r := reps[0]
	wantAcc := []string{"bytes.(*Buffer).String buffer.go:77", "bytes.(*Buffer).tryGrowByReslice buffer.go:135"}
	if got := tops(r.Accesses); !reflect.DeepEqual(got, wantAcc) {
		t.Errorf("access tops = %q, want %q", got, wantAcc)
	}
	wantCreated := []string{"testing.(*T).Run testing.go:2101", "github.com/sirupsen/logrus.(*Entry).WriterLevel writer.go:57"}
	if got := tops(r.Created); !reflect.DeepEqual(got, wantCreated) {
		t.Errorf("creation tops = %q, want %q", got, wantCreated)
	}
	if n := len(r.Accesses[1]); n != 9 {
		t.Errorf("second access stack has %d frames, want 9: %v", n, r.Accesses[1])
	}
	if f := r.Accesses[0][1]; f.Func != "github.com/sirupsen/logrus_test.TestWriterSplitNewlines" || f.File != "/tmp/rw/logrus/writer_test.go" || f.Line != 63 {
		t.Errorf("second frame of the read = %+v", f)
	}
	if got, want := r.Summary(), "bytes.(*Buffer).String buffer.go:77 / bytes.(*Buffer).tryGrowByReslice buffer.go:135"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

// A real gocsan test -profile=ci output on testdata/racy: two BUG: KCSAN:
// blocks, each access followed by its goroutine's creation stack.
func TestParseGocsan(t *testing.T) {
	reps := ParseGocsan(readTestdata(t, "gocsan-racy-ci.txt"))
	if len(reps) != 2 {
		t.Fatalf("got %d reports, want 2", len(reps))
	}
	if got, want := reps[0].Title, "data-race in example.com/racy.Append.func1 / example.com/racy.Append"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	for i, want := range [][]string{
		{"example.com/racy.Append.func1 slice.go:15", "example.com/racy.Append slice.go:20"},
		{"example.com/racy.Field.func1 field.go:19", "example.com/racy.Field field.go:24"},
	} {
		if got := tops(reps[i].Accesses); !reflect.DeepEqual(got, want) {
			t.Errorf("report %d: access tops = %q, want %q", i, got, want)
		}
	}
	if got, want := tops(reps[0].Created), []string{"example.com/racy.Append slice.go:11", "testing.(*T).Run testing.go:2101"}; !reflect.DeepEqual(got, want) {
		t.Errorf("creation tops = %q, want %q", got, want)
	}
	if n := len(reps[0].Accesses[1]); n != 3 {
		t.Errorf("read stack has %d frames, want 3: %v", n, reps[0].Accesses[1])
	}
	// Neither parser takes the other's blocks.
	if n := len(ParseRace(readTestdata(t, "gocsan-racy-ci.txt"))); n != 0 {
		t.Errorf("ParseRace found %d reports in gocsan output", n)
	}
	if n := len(ParseGocsan(readTestdata(t, "race-logrus-writer.txt"))); n != 0 {
		t.Errorf("ParseGocsan found %d reports in -race output", n)
	}
}

// gocsan's build warnings for logrus v1.9.3 (go 1.13 directive; its
// external test package redeclares len and is not instrumented).
func TestUnsited(t *testing.T) {
	out := readTestdata(t, "gocsan-logrus-build.txt")
	logrus := []Access{
		{File: "writer_test.go", Line: 63, Func: "github.com/sirupsen/logrus_test.TestWriterSplitNewlines"},
		{File: "entry.go", Line: 294, Func: "github.com/sirupsen/logrus.(*Entry).write"},
	}
	want := []string{"github.com/sirupsen/logrus_test: writer_test.go:86: package redeclares predeclared len: package not instrumented"}
	if got := unsited(out, logrus); !reflect.DeepEqual(got, want) {
		t.Errorf("unsited = %q, want %q", got, want)
	}
	atSite := []Access{{File: "entry.go", Line: 101, Func: "github.com/sirupsen/logrus.(*Entry).Dup"}}
	want = []string{"entry.go:101: bulk access not instrumented: needs unsafe.SliceData (go1.20)"}
	if got := unsited(out, atSite); !reflect.DeepEqual(got, want) {
		t.Errorf("unsited = %q, want %q", got, want)
	}
	// Same file, other line, and an instrumented package: nothing.
	elsewhere := []Access{{File: "entry.go", Line: 102, Func: "github.com/sirupsen/logrus.(*Entry).Dup"}}
	if got := unsited(out, elsewhere); got != nil {
		t.Errorf("unsited = %q, want none", got)
	}
}

func TestFuncPackage(t *testing.T) {
	for fn, want := range map[string]string{
		"github.com/sirupsen/logrus_test.TestWriterSplitNewlines": "github.com/sirupsen/logrus_test",
		"github.com/sirupsen/logrus.(*Entry).write":               "github.com/sirupsen/logrus",
		"gopkg.in/yaml%2ev3.(*parser).node":                       "gopkg.in/yaml.v3",
		"main.main":                                               "main",
	} {
		if got := funcPackage(fn); got != want {
			t.Errorf("funcPackage(%q) = %q, want %q", fn, got, want)
		}
	}
}

func TestFilePosition(t *testing.T) {
	for in, want := range map[string]Frame{
		"./writer_test.go:86:3":              {File: "./writer_test.go", Line: 86},
		"hooks/test/test.go:54":              {File: "hooks/test/test.go", Line: 54},
		"/tmp/rw/logrus/entry.go:294 +0x25c": {File: "/tmp/rw/logrus/entry.go", Line: 294},
		"/work/racy/slice.go:15":             {File: "/work/racy/slice.go", Line: 15},
	} {
		file, line, ok := filePosition(in)
		if !ok || file != want.File || line != want.Line {
			t.Errorf("filePosition(%q) = %q, %d, %v; want %q, %d", in, file, line, ok, want.File, want.Line)
		}
	}
	if _, _, ok := filePosition("no position here"); ok {
		t.Error("filePosition accepted a line without a position")
	}
}
