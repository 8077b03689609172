// Package testjson merges gocsan's race reports into a "go test -json"
// (test2json) event stream.
//
// Every event of the go command passes through byte for byte; each race
// is added as test2json "output" events, one per line of its KCSAN text,
// attributed to the test whose goroutine made one of the racing accesses
// (Attribute), not to whichever test printed last: go test -race's
// positional attribution is a long-standing complaint (golang/go#58634).
// The first event of each race also carries a "Gocsan" object with the
// race's kind, title and fingerprint for tools that want them; consumers
// of plain test2json ignore the unknown field. No pass or fail actions are
// invented: the test binary already fails the test and the package
// (docs/ci.md explains the choice).
package testjson
