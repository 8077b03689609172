// Package htmlreport renders reports as one self-contained HTML page a
// person would rather read than a log: every race with its accesses side
// by side, the source lines around each access (read from disk when the
// file is there), both stacks, where each goroutine was created, how
// often the race was seen, and a filter by package. CSS and script are
// inline and nothing is fetched, so the page works as a CI artifact
// opened from disk, offline.
package htmlreport
