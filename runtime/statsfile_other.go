//go:build !unix

package runtime

import (
	"fmt"
	goruntime "runtime"
)

func mapStatsFile(path string, size int) ([]byte, error) {
	return nil, fmt.Errorf("not supported on %s", goruntime.GOOS)
}

func countersAt(mem []byte) *counterArray { return nil }
