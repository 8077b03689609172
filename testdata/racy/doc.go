// Package racy is a catalogue of data races in the shapes real Go code
// has them (loop variables captured by closures, a shared err, slices and
// append, maps, struct fields, atomics mixed with plain accesses, a mutex
// copied with its struct, RWMutex misuse, WaitGroup misuse, unsafe
// publication, generics, interface and string values), each with a
// race-free twin.
//
// Each racy function F has a test TestRacyF and a twin FSafe with a test
// TestSafeF. The lines of the two racing accesses carry a comment
// "race:F"; one line carrying it means both accesses are on that line.
// gocsan's end-to-end test reads these markers and checks that every
// racy function is reported with exactly those lines and no twin is
// reported.
//
// Both sides of every race loop n times after a common start, so their
// accesses overlap whatever the scheduling; with GOCSAN="skip=1
// delay=..." every access is watched and the race is always caught.
//
// go.mod says go 1.21 on purpose: from go 1.22 on each loop iteration
// has its own variable and the loop-variable race no longer exists.
package racy

// n is how many times each side of a race accesses the shared location.
const n = 100

// sink keeps results alive so the compiler cannot drop the accesses.
var sink any
