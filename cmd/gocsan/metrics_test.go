package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestMetricsCommand(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{nil, "usage"},
		{[]string{"-dir", dir + "/missing"}, "not a directory"},
		{[]string{"-dir", dir, "extra"}, "usage"},
	} {
		var out, errb strings.Builder
		if code := metricsMain(c.args, &out, &errb, nil); code != 2 || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errb.String())
		}
	}
	if err := os.WriteFile(dir+"/reports.jsonl", []byte(`{"kind":"data-race","package":"example.com/p"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	stop := make(chan os.Signal)
	codes := make(chan int)
	go func() { codes <- metricsMain([]string{"-addr", ":0", "-dir", dir}, pw, io.Discard, stop) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	// ":0" binds to loopback, not every interface.
	url := strings.Fields(line)[3]
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("serving at %q", line)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `gocsan_reports_total{kind="data-race",package="example.com/p"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
	stop <- os.Interrupt
	if code := <-codes; code != 0 {
		t.Errorf("exit %d after interrupt", code)
	}
}
