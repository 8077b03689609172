package racybtree

import "testing"

func TestRace(t *testing.T) { Race(200) }
