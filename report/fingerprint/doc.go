// Package fingerprint computes the stable identity of a report: the value
// SARIF's partialFingerprints carries and baselines store. It must not
// change when unrelated code moves a racing access up or down its file,
// so it hashes the kind and the unordered set of (function, file base
// name) of the accesses' top frames, never line numbers, addresses,
// goroutine ids or directories (which differ between checkouts).
package fingerprint
