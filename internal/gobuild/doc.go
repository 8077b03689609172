// Package gobuild drives the go command with gocsan's instrumentation: it
// is the machinery behind "gocsan test", "gocsan build" and "gocsan run".
//
// The go command runs every tool through gocsan ("-toolexec"), and
// Toolexec then:
//
//   - answers "-V=full" with the tool's own line plus a suffix hashing the
//     gocsan binary and the runtime's source (and the selection, when it
//     is not Marked: see Config.Marked), so instrumented and plain builds
//     never share a GOCACHE entry while a repeated identical run still hits
//     the cache;
//   - for the compile of a selected package (one carrying the selection
//     marker), rewrites its files into the action's work directory,
//     substitutes them in the arguments, and adds gocsan's runtime to a
//     copy of the -importcfg;
//   - hooks testing's race check (racehook.go), and rewrites _testmain.go
//     so the test binary fails when a race is reported outside tests;
//   - adds the runtime and its dependencies to the linker's importcfg.
//
// The runtime's archives come from "go list -deps -export" run once per
// build (and cached by hash) with the same build flags as the user's, so
// the linker's fingerprints agree. Nothing in the user's go.mod, go.sum,
// go.work or vendor/ is touched.
//
// The driver (Run) gathers the JSON-lines reports every process of a run
// appends to one file and prints each distinct report once at the end.
package gobuild
