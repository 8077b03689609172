package instrument

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// TestGolden compares the full rewritten source of each
// testdata/golden/*.go file with its .golden file, with the absolute
// directory in //line directives replaced by $DIR. go test -run TestGolden
// -update rewrites the golden files.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res, err := Package(Config{ImportPath: "example.com/golden"}, []string{f})
			if err != nil {
				t.Fatal(err)
			}
			dir, err := filepath.Abs(filepath.Dir(f))
			if err != nil {
				t.Fatal(err)
			}
			got := bytes.ReplaceAll(res.Files[f], []byte(dir), []byte("$DIR"))
			golden := f + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("rewritten %s differs from %s (run go test -run TestGolden -update to accept):\n%s", f, golden, got)
			}
		})
	}
}
