package racy

import (
	"os"
	"sync"
	"testing"

	gocsan "github.com/gocsan/gocsan/runtime"
)

// Run with GOCSAN="skip=1 delay=1ms ...": every access is watched, so
// the loops end after the first report, long before their bounds.

func TestClean(t *testing.T) {
	var c Counter
	c.Inc()
	if c.Get() != 1 {
		t.Fatal("count")
	}
}

// TestCounterRace races a goroutine it starts with its own goroutine,
// whose stack goes down to testing.tRunner.
func TestCounterRace(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	before := gocsan.Reports()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
			c.Inc()
		}
	}()
	for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
		c.Get()
	}
	wg.Wait()
}

var late = make(chan struct{})
var lateDone = make(chan struct{})

// TestLateStart starts goroutines that race only after it has returned,
// while TestLateWait runs: gocsan must blame TestLateStart, which
// created them, where go test's positional attribution blames
// TestLateWait.
func TestLateStart(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	before := gocsan.Reports()
	go func() {
		defer wg.Done()
		<-late
		for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
			SetFlag()
		}
	}()
	go func() {
		defer wg.Done()
		<-late
		for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
			ReadFlag()
		}
	}()
	go func() { wg.Wait(); close(lateDone) }()
}

func TestLateWait(t *testing.T) {
	close(late)
	<-lateDone
}

// TestCrashAfterRace races and then kills its test binary the way
// RACY_CRASH says (panic or exit), to show that the race still reaches
// every output. Skipped unless RACY_CRASH is set.
func TestCrashAfterRace(t *testing.T) {
	how := os.Getenv("RACY_CRASH")
	if how == "" {
		t.Skip("set RACY_CRASH=panic or RACY_CRASH=exit")
	}
	before := gocsan.Reports()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
			CrashWrite()
		}
	}()
	for i := 0; i < 100000 && gocsan.Reports() == before; i++ {
		CrashRead()
	}
	<-done
	if how == "exit" {
		os.Exit(3)
	}
	panic("crash after race")
}
