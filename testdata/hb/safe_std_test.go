package hb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

func TestSafeGo(t *testing.T)                      { sink = SafeGo() }
func TestSafeSendRecv(t *testing.T)                { sink = SafeSendRecv() }
func TestSafeRecvBeforeSendCompletes(t *testing.T) { sink = SafeRecvBeforeSendCompletes() }
func TestSafeBuffered(t *testing.T)                { sink = SafeBuffered() }
func TestSafeClose(t *testing.T)                   { sink = SafeClose() }
func TestSafeSelect(t *testing.T)                  { sink = SafeSelect() }
func TestSafeRange(t *testing.T)                   { sink = SafeRange() }
func TestSafeMutex(t *testing.T)                   { sink = SafeMutex() }
func TestSafeRWMutex(t *testing.T)                 { sink = SafeRWMutex() }
func TestSafeWaitGroup(t *testing.T)               { sink = SafeWaitGroup() }
func TestSafeOnce(t *testing.T)                    { sink = SafeOnce() }
func TestSafeCond(t *testing.T)                    { sink = SafeCond() }
func TestSafeSyncMap(t *testing.T)                 { sink = SafeSyncMap() }
func TestSafePool(t *testing.T)                    { sink = SafePool() }
func TestSafeAtomic(t *testing.T)                  { sink = SafeAtomic() }
func TestSafeAfterFunc(t *testing.T)               { sink = SafeAfterFunc() }
func TestSafeFinalizer(t *testing.T)               { sink = SafeFinalizer() }
func TestSafeContext(t *testing.T)                 { sink = SafeContext() }
func TestSafeIOPipe(t *testing.T)                  { sink = SafeIOPipe() }
func TestSafeNetPipe(t *testing.T)                 { sink = SafeNetPipe() }
func TestSafeCloseSelect(t *testing.T)             { sink = SafeCloseSelect() }
func TestSafeCloseRange(t *testing.T)              { sink = SafeCloseRange() }
func TestSafeCloseThroughDependency(t *testing.T)  { sink = SafeCloseThroughDependency() }
func TestSafeCustomContext(t *testing.T)           { sink = SafeCustomContext() }
func TestSafeDependency(t *testing.T)              { sink = SafeDependency() }

func TestSafeTCP(t *testing.T) {
	v, err := SafeTCP()
	if err != nil {
		t.Fatal(err)
	}
	sink = v
}

// lines is an io.Writer that os/exec's copying goroutine calls.
type lines struct{ n, bytes int }

func (l *lines) Write(p []byte) (int, error) {
	l.n++
	l.bytes += len(p)
	return len(p), nil
}

// TestSafeExec: the child's output is copied into a user Writer by
// os/exec's goroutine; Run returns after the copying is done.
func TestSafeExec(t *testing.T) {
	if os.Getenv("HB_CHILD") != "" {
		os.Stdout.WriteString("child\n")
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{}
	cmd := exec.Command(exe, "-test.run=^TestSafeExec$")
	cmd.Env = append(os.Environ(), "HB_CHILD=1")
	cmd.Stdout = out
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if out.bytes == 0 {
		t.Fatal("no output from the child")
	}
}

// TestSafeHTTP: the handler reads what the test wrote before the
// request and writes what the test reads after the response.
func TestSafeHTTP(t *testing.T) {
	b := &box{v: 1}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.w = b.v + 1
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	b.v = 2
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	if b.w != 3 {
		t.Fatalf("handler saw %d", b.w)
	}
}

// TestSafeSubtests: t.Run returns after a sequential subtest; a
// parallel group's subtests finish before the group's t.Run returns;
// cleanups run after the test and its subtests.
func TestSafeSubtests(t *testing.T) {
	var shared, cleaned int
	t.Cleanup(func() {
		if cleaned != 2 {
			panic("cleanup ran early")
		}
		shared++
	})
	t.Run("seq", func(t *testing.T) {
		shared = 1
	})
	shared++
	var mu sync.Mutex
	t.Run("group", func(t *testing.T) {
		for _, name := range []string{"a", "b"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				time.Sleep(gap / 2)
				mu.Lock()
				shared++
				mu.Unlock()
				t.Cleanup(func() {
					mu.Lock()
					cleaned++
					mu.Unlock()
				})
			})
		}
	})
	if shared != 4 {
		t.Fatalf("shared = %d", shared)
	}
}
