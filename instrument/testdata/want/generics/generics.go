package generics

type Box[T any] struct {
	v T
	n int
}

func (b *Box[T]) Set(v T) {
	b.v = v // want "WriteRange b.v Sizeof"
	b.n++   // want "ReadWrite b.n 8"
}

func Get[T any](p *T) T {
	return *p // want "ReadRange *p Sizeof"
}

func Index[S ~[]E, E any](s S, i int) E {
	return s[i] // want "ReadRange s[i] Sizeof"
}

func Keys[M ~map[K]V, K comparable, V any](m M) []K {
	var ks []K
	for k := range m { // want "Read map m 8"
		ks = append(ks, k) // want "Append ks"
	}
	return ks
}

var g = Get[int]

// items is google/btree's shape: a generic slice grown and copied
// through a pointer, whose element size is Sizeof((*s)[0]) (not *s[0]).
type items[T any] []T

func (s *items[T]) insertAt(index int, item T) {
	var zero T
	*s = append(*s, zero) // want "Append *s" "ReadRange *s Sizeof" "WriteRange *s Sizeof"
	if index < len(*s) {  // want "Read len(*s) 8"
		copy((*s)[index+1:], (*s)[index:]) // want "ReadRange (*s)[index:][:]" "ReadRange *s Sizeof" "WriteRange (*s)[index+1:][:]"
	}
	(*s)[index] = item // want "Read (*s) 8" "WriteRange (*s)[index] Sizeof"
}
