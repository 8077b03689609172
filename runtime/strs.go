package runtime

// String and number helpers for the slow paths, in place of strings and
// strconv (outside the runtime's import closure).

func itoa(v int64) string {
	var buf [20]byte
	u := uint64(v)
	if v < 0 {
		u = uint64(-v)
	}
	i := len(buf)
	for u >= 10 {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	buf[i] = byte('0' + u)
	if v < 0 {
		return "-" + string(buf[i:])
	}
	return string(buf[i:])
}

// atoi parses a decimal integer with an optional sign, as strconv.Atoi.
func atoi(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<63 {
			return 0, false
		}
	}
	if neg {
		return int(-int64(n)), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int(n), true
}

// isSpace is unicode.IsSpace.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// fields splits s around runs of white space, as strings.Fields.
func fields(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if isSpace(r) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// trimSpace is strings.TrimSpace.
func trimSpace(s string) string {
	start, end := len(s), 0
	for i, r := range s {
		if end < 0 {
			end = i // the rune after the last non-space one starts here
		}
		if !isSpace(r) {
			start, end = min(start, i), -1
		}
	}
	if end < 0 {
		end = len(s)
	}
	if start >= end {
		return ""
	}
	return s[start:end]
}

// cut is strings.Cut.
func cut(s, sep string) (before, after string, found bool) {
	if i := index(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// index is strings.Index.
func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// lastIndex is strings.LastIndex.
func lastIndex(s, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// join is strings.Join.
func join(elems []string, sep string) string {
	s := ""
	for i, e := range elems {
		if i > 0 {
			s += sep
		}
		s += e
	}
	return s
}

// dirName is filepath.Dir for slash-separated paths, without Clean.
func dirName(path string) string {
	i := lastIndexByte(path, '/')
	switch {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	}
	return path[:i]
}

// quote is strconv.Quote, but for non-printable runes beyond the
// Latin-1 spaces (rare in option text), which it leaves as they are.
func quote(s string) string {
	const hex = "0123456789abcdef"
	b := []byte{'"'}
	for i, r := range s {
		switch {
		case r == 0xFFFD && !hasPrefix(s[i:], "\uFFFD"):
			c := s[i] // an invalid byte
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xF])
		case r >= 0x80 && isSpace(r) || r >= 0x80 && r < 0xA0:
			b = append(b, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
		case r >= 0x80:
			b = append(b, string(r)...)
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\a':
			b = append(b, '\\', 'a')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\v':
			b = append(b, '\\', 'v')
		case r < 0x20 || r == 0x7F:
			b = append(b, '\\', 'x', hex[r>>4], hex[r&0xF])
		default:
			b = append(b, byte(r))
		}
	}
	return string(append(b, '"'))
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal parses a plain decimal number ("0.1", "5", ".25", "1e-3")
// of at most 15 significant digits: then float64(mantissa) scaled by an
// exact power of ten is correctly rounded, the value strconv.ParseFloat
// returns.
func parseDecimal(s string) (float64, bool) {
	var mant uint64
	digits, exp := 0, 0
	sawDigit, sawDot := false, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !sawDot:
			sawDot = true
		case c >= '0' && c <= '9':
			sawDigit = true
			if mant == 0 && c == '0' {
				if sawDot {
					exp--
				}
				continue
			}
			if digits == 15 {
				return 0, false
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if sawDot {
				exp--
			}
		default:
			goto rest
		}
	}
rest:
	if !sawDigit {
		return 0, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return 0, false
		}
		e, ok := atoi(s[i+1:])
		if !ok || e < -30 || e > 30 {
			return 0, false
		}
		exp += e
	}
	f := float64(mant)
	switch {
	case mant == 0:
		return 0, true
	case exp >= 0 && exp < len(pow10):
		return f * pow10[exp], true
	case exp < 0 && -exp < len(pow10):
		return f / pow10[-exp], true
	}
	return 0, false
}

// formatFloat is strconv.FormatFloat(f, 'g', -1, 64) for the values
// parseDecimal returns: the shortest decimal that parses back to f.
func formatFloat(f float64) string {
	if f == 0 {
		return "0"
	}
	for prec := 1; prec <= 17; prec++ {
		// f = 0.d1d2...dprec × 10^dp
		dp := 0
		for x := f; x >= 1; x /= 10 {
			dp++
		}
		for x := f; x < 0.1; x *= 10 {
			dp--
		}
		scale := prec - dp
		var m float64
		if scale >= 0 && scale < len(pow10) {
			m = f * pow10[scale]
		} else if scale < 0 && -scale < len(pow10) {
			m = f / pow10[-scale]
		} else {
			break
		}
		mi := uint64(m + 0.5)
		var back float64
		if scale >= 0 {
			back = float64(mi) / pow10[scale]
		} else {
			back = float64(mi) * pow10[-scale]
		}
		if back != f {
			continue
		}
		d := itoa(int64(mi))
		if len(d) > prec { // rounding carried into a new digit
			d, dp = d[:prec], dp+1
		}
		for len(d) > 1 && d[len(d)-1] == '0' {
			d = d[:len(d)-1]
		}
		exp := dp - 1
		if exp < -4 || exp >= 6 { // strconv's shortest %g
			s := d[:1]
			if len(d) > 1 {
				s += "." + d[1:]
			}
			es := "+"
			if exp < 0 {
				es, exp = "-", -exp
			}
			if exp < 10 {
				es += "0"
			}
			return s + "e" + es + itoa(int64(exp))
		}
		if dp <= 0 {
			return "0." + zeros(-dp) + d
		}
		if dp >= len(d) {
			return d + zeros(dp-len(d))
		}
		return d[:dp] + "." + d[dp:]
	}
	return "?"
}

func zeros(n int) string {
	s := ""
	for range n {
		s += "0"
	}
	return s
}

// sortStrings sorts a short slice in place (insertion sort).
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
