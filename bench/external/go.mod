module github.com/gocsan/gocsan/bench/external

go 1.26.0

require (
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/google/btree v1.1.3
	go.uber.org/zap v1.28.0
	golang.org/x/sync v0.23.0
)

require go.uber.org/multierr v1.10.0 // indirect
