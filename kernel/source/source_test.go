package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseKmsgRecord(t *testing.T) {
	r, err := ParseKmsgRecord([]byte("3,167,7169166,-,caller=T40;BUG: KCSAN: data-race in a / b\\x0amore \\x5c\n SUBSYSTEM=x\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := KmsgRecord{Level: 3, Seq: 167, Usec: 7169166, Caller: "T40", Text: "BUG: KCSAN: data-race in a / b\nmore \\"}
	if r != want {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	r, err = ParseKmsgRecord([]byte("14,2,3,c;x\\xZZ\\x4"))
	if err != nil || r.Facility != 1 || r.Level != 6 || r.Text != `x\xZZ\x4` {
		t.Errorf("got %+v, %v", r, err)
	}
	for _, bad := range []string{"no separator", "1,2;x", "a,b,c,d;x"} {
		if _, err := ParseKmsgRecord([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFile(t *testing.T) {
	f := NewReader("mem", strings.NewReader("a\r\nb\n\nc"))
	var got []string
	for {
		l, err := f.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !l.Prefixed {
			t.Error("file lines must be marked Prefixed")
		}
		got = append(got, l.Text)
	}
	if strings.Join(got, "|") != "a|b||c" {
		t.Errorf("lines %q", got)
	}
}

// writeKmsg writes one record to /dev/kmsg. Each write opens the device
// anew: the kernel rate-limits writers per open file (10 lines per 5 s
// with kernel.printk_devkmsg=ratelimit).
func writeKmsg(t *testing.T, line string) {
	t.Helper()
	f, err := os.OpenFile(KmsgPath, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		t.Fatalf("writing %s: %v", KmsgPath, err)
	}
}

func canWriteKmsg(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(KmsgPath, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("cannot write %s (%v): the test needs root to inject kernel log lines", KmsgPath, err)
	}
	f.Close()
	if b, err := os.ReadFile("/proc/sys/kernel/printk_devkmsg"); err == nil && strings.TrimSpace(string(b)) == "off" {
		t.Skip("kernel.printk_devkmsg=off: user space cannot write to /dev/kmsg")
	}
}

// readUntil reads lines from s until want arrives, failing if Read
// errors; a watchdog closes s after a generous deadline so a broken
// source fails the test instead of hanging it.
func readUntil(t *testing.T, s Source, want ...string) []Line {
	t.Helper()
	watchdog := time.AfterFunc(60*time.Second, func() { s.Close() })
	defer watchdog.Stop()
	var got []Line
	for i := 0; i < len(want); {
		l, err := s.Read()
		if err != nil {
			t.Fatalf("%s: waiting for %q: %v", s.Name(), want[i], err)
		}
		if l.Text == want[i] {
			got = append(got, l)
			i++
		}
	}
	return got
}

func TestKmsg(t *testing.T) {
	canWriteKmsg(t)
	k, err := OpenKmsg(KmsgPath, false)
	if err != nil {
		t.Skipf("cannot read %s: %v", KmsgPath, err)
	}
	defer k.Close()
	tag := fmt.Sprintf("gocsan-kmsg-test-%d", time.Now().UnixNano())
	writeKmsg(t, tag+" one\n")
	writeKmsg(t, "<3>"+tag+" two\n"+tag+" three\n")
	got := readUntil(t, k, tag+" one", tag+" two", tag+" three")
	if got[1].Key != got[2].Key {
		t.Errorf("lines of one record got different keys: %+v", got)
	}
	// Close wakes a blocked Read.
	done := make(chan error)
	go func() { _, err := k.Read(); done <- err }()
	k.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
}

func TestEBPF(t *testing.T) {
	canWriteKmsg(t)
	for _, mode := range []EBPFMode{RawTracepoint, Tracepoint} {
		t.Run(string(mode), func(t *testing.T) {
			e, err := OpenEBPF(EBPFOptions{Mode: mode})
			if err != nil {
				t.Skipf("BPF not available here: %v", err)
			}
			defer e.Close()
			tag := fmt.Sprintf("gocsan-ebpf-test-%s-%d", mode, time.Now().UnixNano())
			writeKmsg(t, tag+" one\n")
			writeKmsg(t, tag+" two\n"+tag+" three\n")
			got := readUntil(t, e, tag+" one", tag+" two", tag+" three")
			if !strings.HasPrefix(got[0].Key, "cpu") || got[1].Key != got[2].Key {
				t.Errorf("keys: %+v", got)
			}
			if n := e.Lost(); n != 0 {
				t.Errorf("lost %d records", n)
			}
			done := make(chan error)
			go func() { _, err := e.Read(); done <- err }()
			e.Close()
			if err := <-done; !errors.Is(err, ErrClosed) {
				t.Errorf("Read after Close: %v", err)
			}
		})
	}
}

func TestEBPFProgramVerifies(t *testing.T) {
	// Assembling must not depend on privileges; loading is covered by
	// TestEBPF where permitted.
	for _, mode := range []EBPFMode{RawTracepoint, Tracepoint} {
		insns := consoleProgram(mode, 3, 4)
		if len(insns) < 20 {
			t.Errorf("%s: %d instructions", mode, len(insns))
		}
	}
	if _, err := OpenEBPF(EBPFOptions{Mode: "bogus"}); err == nil || !strings.Contains(err.Error(), "unknown attach mode") {
		t.Errorf("bogus mode: %v", err)
	}
}
