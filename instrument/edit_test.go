package instrument

import (
	"strings"
	"testing"
)

func TestEditBufferNesting(t *testing.T) {
	src := []byte("if a && b {")
	b := newEditBuffer(src)
	b.open(3, "X && (")
	b.close(9, ")")
	b.open(8, "Y && (")
	b.close(9, ")")
	b.open(0, "pre; ")
	b.replace(3, 4, "A")
	got := string(b.bytes())
	want := "pre; if X && (A && Y && (b)) {"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestParseImportCfg(t *testing.T) {
	cfg := "# comment\npackagefile fmt=/cache/fmt.a\nimportmap old/p=vendor/old/p\npackagefile vendor/old/p=/cache/p.a\nmodinfo \"x\"\n\n"
	files, imap, err := parseImportCfg(strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if files["fmt"] != "/cache/fmt.a" || files["vendor/old/p"] != "/cache/p.a" || imap["old/p"] != "vendor/old/p" {
		t.Errorf("files %v importmap %v", files, imap)
	}
	if _, _, err := parseImportCfg(strings.NewReader("packagefile broken\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad line: error %v", err)
	}
}
