// Package report describes findings: the one Report type that Go races,
// assertion failures and kernel KCSAN reports all become, and the ways a
// report is shown and shipped (KCSAN-style text, JSON lines, rate limiting
// and deduplication).
//
// It uses the standard library only, because the runtime that instrumented
// programs link imports it.
package report
