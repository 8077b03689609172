package hb

import (
	"testing"
	"time"
)

var sink any

func TestRacyLockSleepRead(t *testing.T) { sink = LockSleepRead() }

func TestRacyFlagAfterSleep(t *testing.T) { sink = FlagAfterSleep() }

func TestRacyDoubleChecked(t *testing.T) { sink = DoubleChecked() }

func TestRacyOneTimeSetup(t *testing.T) { sink = OneTimeSetup() }

func TestRacyGoThenWrite(t *testing.T) { sink = GoThenWrite() }

// TestRacySubtests: two parallel subtests share a captured variable.
func TestRacySubtests(t *testing.T) {
	var last string
	t.Run("group", func(t *testing.T) {
		t.Run("a", func(t *testing.T) {
			t.Parallel()
			last = "a"           // race:Subtests
			time.Sleep(25 * gap) // still in the subtest when b reads
		})
		t.Run("b", func(t *testing.T) {
			t.Parallel()
			time.Sleep(gap / 2)
			sink = last // race:Subtests
		})
	})
}
