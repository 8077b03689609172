package instrument

import "testing"

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
