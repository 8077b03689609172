//go:build go1.21

package captured

// Before go1.22 the variables of a range clause are shared by all
// iterations and written by each.

func rangedOld(s []int) {
	for i, v := range s { // want "ReadRange s[:]"
		run(func() {
			use(i, v) // want "Read i 8" "Read v 8"
		})
	}
}
