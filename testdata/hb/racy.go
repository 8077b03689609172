package hb

import (
	"sync"
	"time"
)

type counter struct {
	mu sync.Mutex
	n  int
}

// LockSleepRead: a goroutine writes under a lock; the test sleeps and
// then reads without it.
func LockSleepRead() int {
	c := &counter{}
	done := make(chan bool)
	go func() {
		c.mu.Lock()
		c.n++ // race:LockSleepRead
		c.mu.Unlock()
		close(done)
	}()
	time.Sleep(gap)
	n := c.n // race:LockSleepRead
	<-done
	return n
}

// run calls f on a goroutine of its own, as a callback API would.
func run(f func()) { go f() }

// FlagAfterSleep: a callback sets a flag that is checked after a wait.
func FlagAfterSleep() bool {
	var called bool
	done := make(chan bool)
	run(func() {
		called = true // race:FlagAfterSleep
		close(done)
	})
	time.Sleep(gap)
	r := called // race:FlagAfterSleep
	<-done
	return r
}

type config struct{ name string }

type lazy struct {
	mu sync.Mutex
	v  *config
}

// get is double-checked initialization: the first check reads v
// without the lock.
func (l *lazy) get() *config {
	if v := l.v; v != nil { // race:DoubleChecked
		return v
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.v == nil {
		l.v = &config{name: "x"} // race:DoubleChecked
	}
	return l.v
}

// DoubleChecked: one goroutine initializes, the test's later get takes
// the unlocked fast path.
func DoubleChecked() string {
	l := &lazy{}
	done := make(chan bool)
	go func() {
		l.get()
		close(done)
	}()
	time.Sleep(gap)
	name := l.get().name
	<-done
	return name
}

type server struct {
	cfg   map[string]string
	ready chan struct{}
}

func (s *server) start() {
	go func() {
		s.cfg = map[string]string{"addr": ":80"} // race:OneTimeSetup
		close(s.ready)
	}()
}

// OneTimeSetup: a background setup races with the first use, which
// does not wait for ready.
func OneTimeSetup() string {
	s := &server{ready: make(chan struct{})}
	s.start()
	time.Sleep(gap)
	addr := s.cfg["addr"] // race:OneTimeSetup
	<-s.ready
	return addr
}

type job struct{ id int }

// GoThenWrite: a field written before go (ordered) and again after it
// (racing with the goroutine's read).
func GoThenWrite() int {
	j := &job{id: 1}
	var got int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(gap)
		got = j.id // race:GoThenWrite
	}()
	j.id = 2 // race:GoThenWrite
	wg.Wait()
	return got
}
