// Package external pins the published modules whose own benchmarks the
// bench harness runs under gocsan (with -instrument covering them), plain
// go test and go test -race. It has no code of its own.
package external

import (
	_ "github.com/cespare/xxhash/v2"
	_ "github.com/google/btree"
	_ "go.uber.org/zap"
	_ "golang.org/x/sync/errgroup"
)
