// Package broken does not compile, on purpose: gocsan's end-to-end test
// checks that the compiler's own error is shown at this file's line.
package broken

// Answer returns a string where an int is declared.
func Answer() int {
	return "forty-two"
}
