// Package dropped has one access whose check is dropped after its size was
// printed: the rewritten file must not import unsafe for it.
package dropped

import "os"

func Zero[T any]() any {
	return any(*new(T)) // want "warning"
}

func Exit() { os.Exit(1) }
