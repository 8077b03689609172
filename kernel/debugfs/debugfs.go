package debugfs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Path is where KCSAN's debugfs file lives when debugfs is mounted.
const Path = "/sys/kernel/debug/kcsan"

// Counter is one named KCSAN counter.
type Counter struct {
	Name  string
	Value int64
}

// Stats is the content of the kcsan debugfs file.
type Stats struct {
	Enabled bool
	// Counters in the kernel's order (enum kcsan_counter_id); names are
	// taken from the file, so counters added by newer kernels appear.
	Counters []Counter
	// Whitelist is set when the filter list is a whitelist (only listed
	// functions are reported) rather than a blacklist.
	Whitelist bool
	// Functions is the filter list.
	Functions []string
}

// Gauges are the counters that go down as well as up: used_watchpoints
// is the number of watchpoints in use now. The others only grow.
var Gauges = map[string]bool{"used_watchpoints": true}

// Counter returns the value of the named counter.
func (s *Stats) Counter(name string) (int64, bool) {
	for _, c := range s.Counters {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}

// ReadFile reads and parses the file at path (normally Path).
func ReadFile(path string) (*Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%w (the kernel has no CONFIG_KCSAN, or debugfs is not mounted: mount -t debugfs none /sys/kernel/debug)", err)
		}
		return nil, err
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse parses the file's content; name is used in errors, which give
// the line.
func Parse(r io.Reader, name string) (*Stats, error) {
	s := &Stats{}
	sc := bufio.NewScanner(r)
	line := 0
	sawEnabled, inList := false, false
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if inList {
			if fn := strings.TrimSpace(t); fn != "" {
				s.Functions = append(s.Functions, fn)
			}
			continue
		}
		if strings.TrimSpace(t) == "" {
			continue
		}
		key, val, ok := strings.Cut(t, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"name: value\", got %q", name, line, t)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "enabled":
			n, err := strconv.Atoi(val)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: enabled: %q is not a number", name, line, val)
			}
			s.Enabled, sawEnabled = n != 0, true
		case "blacklisted functions", "whitelisted functions":
			s.Whitelist = key == "whitelisted functions"
			if val != "none" && val != "" {
				return nil, fmt.Errorf("%s:%d: %s: want \"none\" or a list on the following lines, got %q", name, line, key, val)
			}
			inList = true
		default:
			if strings.ContainsAny(key, " \t") {
				return nil, fmt.Errorf("%s:%d: %q is not a KCSAN counter name", name, line, key)
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: counter %s: %q is not a number", name, line, key, val)
			}
			s.Counters = append(s.Counters, Counter{Name: key, Value: n})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !sawEnabled {
		return nil, fmt.Errorf("%s: no \"enabled:\" line; not a KCSAN debugfs file", name)
	}
	return s, nil
}
