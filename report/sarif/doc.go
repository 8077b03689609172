// Package sarif writes reports as SARIF 2.1.0 in the shape GitHub code
// scanning accepts (docs.github.com "SARIF support for code scanning"):
// one result per race, the first access as its location, the other
// accesses as related locations linked from the message (GitHub shows
// them only when linked), every goroutine's stack as a thread flow of one
// code flow, and partialFingerprints.primaryLocationLineHash set to the
// report's stable fingerprint, so an alert survives unrelated edits that
// move lines and is not duplicated when uploaded through the REST API,
// which computes no fingerprint of its own.
package sarif
