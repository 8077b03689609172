package cgo

import "testing"

func TestTwice(t *testing.T) {
	g.n = 21 // want "Write g.n 8"
	if got := Twice(&T{}); got != "42" {
		t.Fatalf("Twice = %s, want 42", got) // want "Release"
	}
}
