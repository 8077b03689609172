package record

// Number formatting without strconv: the few forms the text and JSON
// encodings use.

const hexDigits = "0123456789abcdef"

// appendPadded appends v in base (10 or 16), zero-padded to width digits.
func appendPadded(b []byte, v uint64, base uint64, width int) []byte {
	var buf [64]byte
	i := len(buf)
	for v >= base {
		i--
		buf[i] = hexDigits[v%base]
		v /= base
	}
	i--
	buf[i] = hexDigits[v]
	for n := len(buf) - i; n < width && i > 0; n++ {
		i--
		buf[i] = '0'
	}
	return append(b, buf[i:]...)
}

// appendInt appends v in decimal, as strconv.AppendInt(b, v, 10).
func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		return appendPadded(b, uint64(-v), 10, 0)
	}
	return appendPadded(b, uint64(v), 10, 0)
}

func itoa(v int64) string       { return string(appendInt(nil, v)) }
func hexString(v uint64) string { return string(appendPadded(nil, v, 16, 0)) }
