module example.com/deps

go 1.26.0

require (
	github.com/google/btree v1.1.3
	golang.org/x/sync v0.23.0
)
