package gobuild

import (
	"fmt"
	"sync"

	"github.com/gocsan/gocsan/report"
)

// An Output is an extra destination for the reports of a gocsan test or
// run, switched on by a gocsan flag whose value is a file name (for
// example -sarif=races.sarif). Output formats register themselves, so the
// driver does not need to know them.
type Output struct {
	Flag  string // flag name without the dash
	Usage string // one line for "gocsan test -h"
	// Write is called once at the end of the run with the flag's value
	// and the run's distinct reports (possibly none), in the order they
	// were first reported.
	Write func(value string, reports []*report.Report) error
}

var registered struct {
	sync.Mutex
	list []Output
}

// RegisterOutput adds o; call it from an init function. It panics on a
// flag name already taken, a programming error.
func RegisterOutput(o Output) {
	registered.Lock()
	defer registered.Unlock()
	if _, dup := gocsanFlags[o.Flag]; dup {
		panic("gobuild: duplicate gocsan flag -" + o.Flag)
	}
	gocsanFlags[o.Flag] = o.Usage
	registered.list = append(registered.list, o)
}

// writeOutputs calls each registered output whose flag was given.
func writeOutputs(flags map[string]string, reports []*report.Report) error {
	registered.Lock()
	list := append([]Output(nil), registered.list...)
	registered.Unlock()
	for _, o := range list {
		v, ok := flags[o.Flag]
		if !ok {
			continue
		}
		if err := o.Write(v, reports); err != nil {
			return fmt.Errorf("-%s=%s: %v", o.Flag, v, err)
		}
	}
	return nil
}
