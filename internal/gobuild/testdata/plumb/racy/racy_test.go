package racy

import "testing"

func TestRace(t *testing.T) { Bump(50) }

func TestSafe(t *testing.T) {
	if got := Guarded(50); got != 100 {
		t.Fatalf("Guarded = %d, want 100", got)
	}
}
