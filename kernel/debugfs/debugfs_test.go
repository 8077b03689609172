package debugfs

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gocsan/gocsan/report/kernellog"
)

// The layout printed by show_info in kernel/kcsan/debugfs.c (6.12).
const sample = `enabled: 1
used_watchpoints: 2
setup_watchpoints: 4711
data_races: 24
assert_failures: 13
no_capacity: 0
report_races: 1
races_unknown_origin: 3
unencodable_accesses: 0
encoding_false_positives: 0

blacklisted functions: 
 test_kernel_read
 rcu_core
`

func TestParse(t *testing.T) {
	s, err := Parse(strings.NewReader(sample), "kcsan")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enabled || s.Whitelist || len(s.Counters) != 9 || !reflect.DeepEqual(s.Functions, []string{"test_kernel_read", "rcu_core"}) {
		t.Errorf("parsed %+v", s)
	}
	if v, ok := s.Counter("setup_watchpoints"); !ok || v != 4711 {
		t.Errorf("setup_watchpoints = %d, %v", v, ok)
	}
	s, err = Parse(strings.NewReader("enabled: 0\ndata_races: 5\n\nwhitelisted functions: none\n"), "kcsan")
	if err != nil || s.Enabled || !s.Whitelist || s.Functions != nil {
		t.Errorf("parsed %+v, %v", s, err)
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"enabled: 1\ndata_races: lots\n":                 "kcsan:2: counter data_races",
		"enabled: yes\n":                                 "kcsan:1: enabled",
		"enabled: 1\nno colon here\n":                    "kcsan:2: want",
		"data_races: 1\n":                                "no \"enabled:\" line",
		"enabled: 1\nblacklisted functions: something\n": "kcsan:2: blacklisted functions",
		"enabled: 1\nbad name: 3\n":                      "kcsan:2: \"bad name\" is not",
	} {
		_, err := Parse(strings.NewReader(in), "kcsan")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to contain %q", in, err, want)
		}
	}
}

// The real file, dumped by the guest's /init in the console log that
// scripts/kernel/build-and-boot.sh captured.
func TestRealDump(t *testing.T) {
	b, err := os.ReadFile("../../testdata/kernel/console.log")
	if err != nil {
		t.Skipf("no captured console log: %v", err)
	}
	var dump []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		msg, _ := kernellog.SplitPrefix(l)
		switch {
		case strings.HasPrefix(msg, "gocsan-init: begin"):
			in = true
		case strings.HasPrefix(msg, "gocsan-init: end"):
			in = false
		case in:
			dump = append(dump, l)
		}
	}
	if len(dump) == 0 {
		t.Fatal("console log has no debugfs dump between the gocsan-init markers")
	}
	s, err := Parse(strings.NewReader(strings.Join(dump, "\n")), "console.log")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enabled {
		t.Error("KCSAN not enabled in the guest")
	}
	for _, name := range []string{"used_watchpoints", "setup_watchpoints", "data_races", "assert_failures", "no_capacity",
		"report_races", "races_unknown_origin", "unencodable_accesses", "encoding_false_positives"} {
		if _, ok := s.Counter(name); !ok {
			t.Errorf("counter %s missing", name)
		}
	}
	if v, _ := s.Counter("data_races"); v == 0 {
		t.Error("no data races counted although the KUnit suite ran")
	}
}
