package store

import (
	"context"
	"testing"
)

func TestFill(t *testing.T) {
	s := New()
	if err := Fill(context.Background(), s, 500, 4); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 500 {
		t.Fatalf("Len = %d, want 500", s.Len())
	}
}
