package gobuild

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
)

// extendImportcfg writes to dst a copy of the importcfg file src with a
// "packagefile path=archive" line added for each entry of add whose path
// src does not already map. Entries already there win: they are what the
// go command built for this very build.
func extendImportcfg(src, dst string, add map[string]string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	have := make(map[string]bool)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		verb, args, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if verb != "packagefile" {
			continue
		}
		path, _, ok := strings.Cut(args, "=")
		if !ok {
			return fmt.Errorf("%s:%d: malformed packagefile line", src, line)
		}
		have[path] = true
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", src, err)
	}
	paths := make([]string, 0, len(add))
	for p := range add {
		if !have[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b.WriteByte('\n')
	}
	b.WriteString("# added by gocsan\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "packagefile %s=%s\n", p, add[p])
	}
	return os.WriteFile(dst, b.Bytes(), 0o644)
}
