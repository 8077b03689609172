//go:build !unix

package runtime

import goruntime "runtime"

func mapFile(path string, size int) ([]byte, error) {
	return nil, optionError("not supported on " + goruntime.GOOS)
}
