package record

// AppendJSON appends r as one JSON line, newline included: exactly the
// bytes encoding/json produces for the corresponding report.Report with
// its Time in UTC (a test in package report compares the two). The field
// names and omitempty rules are the tags on Frame and Access and those of
// report.Report.
func AppendJSON(b []byte, r *Report) []byte {
	b = append(b, `{"kind":`...)
	b = appendString(b, string(r.Kind))
	b = append(b, `,"title":`...)
	b = appendString(b, r.Title)
	b = append(b, `,"accesses":`...)
	if r.Accesses == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range r.Accesses {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAccess(b, &a)
		}
		b = append(b, ']')
	}
	if r.ValueChanged {
		b = append(b, `,"value_changed":true`...)
	}
	b = appendUintField(b, "old", r.Old)
	b = appendUintField(b, "new", r.New)
	b = appendUintField(b, "mask", r.Mask)
	b = append(b, `,"time":"`...)
	b = AppendRFC3339Nano(b, r.Time)
	b = append(b, `","source":`...)
	b = appendString(b, r.Source)
	b = appendStringField(b, "detection", r.Detection)
	b = appendStringField(b, "process", r.Process)
	b = appendStringField(b, "test", r.Test)
	b = appendStringField(b, "package", r.Package)
	b = appendStringField(b, "raw", r.Raw)
	return append(b, "}\n"...)
}

func appendAccess(b []byte, a *Access) []byte {
	b = append(b, `{"op":`...)
	b = appendString(b, string(a.Op))
	if a.Marked {
		b = append(b, `,"marked":true`...)
	}
	if a.Assert {
		b = append(b, `,"assert":true`...)
	}
	if a.Reordered {
		b = append(b, `,"reordered":true`...)
	}
	b = append(b, `,"addr":`...)
	b = appendPadded(b, a.Addr, 10, 0)
	b = append(b, `,"size":`...)
	b = appendPadded(b, a.Size, 10, 0)
	b = append(b, `,"goroutine":`...)
	b = appendInt(b, a.Goroutine)
	b = append(b, `,"cpu":`...)
	b = appendInt(b, int64(a.CPU))
	if a.Interrupt {
		b = append(b, `,"interrupt":true`...)
	}
	b = append(b, `,"stack":`...)
	if a.Stack == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range a.Stack {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFrameJSON(b, &a.Stack[i])
		}
		b = append(b, ']')
	}
	if a.CreatedBy != nil {
		b = append(b, `,"created_by":`...)
		b = appendFrameJSON(b, a.CreatedBy)
	}
	if a.CreatorGoroutine != 0 {
		b = append(b, `,"creator_goroutine":`...)
		b = appendInt(b, a.CreatorGoroutine)
	}
	b = appendStringField(b, "lock_class", a.LockClass)
	b = appendStringField(b, "held_class", a.HeldClass)
	if a.ReorderedTo != nil {
		b = append(b, `,"reordered_to":`...)
		b = appendFrameJSON(b, a.ReorderedTo)
	}
	return append(b, '}')
}

func appendFrameJSON(b []byte, f *Frame) []byte {
	b = append(b, `{"function":`...)
	b = appendString(b, f.Function)
	b = appendStringField(b, "file", f.File)
	if f.Line != 0 {
		b = append(b, `,"line":`...)
		b = appendInt(b, int64(f.Line))
	}
	b = appendUintField(b, "pc", f.PC)
	b = appendUintField(b, "offset", f.Offset)
	b = appendUintField(b, "sym_size", f.SymSize)
	b = appendStringField(b, "module", f.Module)
	if f.Inlined {
		b = append(b, `,"inlined":true`...)
	}
	b = appendStringField(b, "instruction", f.Instruction)
	return append(b, '}')
}

// appendUintField appends an omitempty number field.
func appendUintField(b []byte, name string, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendPadded(b, v, 10, 0)
}

// appendStringField appends an omitempty string field.
func appendStringField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

// appendString appends s as a JSON string the way encoding/json does:
// HTML-safe (<, > and & escaped), U+2028 and U+2029 escaped, invalid
// UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := decodeRune(s[i:])
		if r == badRune && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const badRune = '\uFFFD'

// decodeRune decodes the first rune of s, which starts with a byte of
// 0x80 or more, as utf8.DecodeRuneInString does: (badRune, 1) for
// anything that is not valid UTF-8 (overlong forms, surrogates, values
// beyond U+10FFFF, truncated sequences).
func decodeRune(s string) (rune, int) {
	c0 := s[0]
	cont := func(i int, lo, hi byte) bool { return i < len(s) && s[i] >= lo && s[i] <= hi }
	switch {
	case c0 >= 0xC2 && c0 <= 0xDF:
		if cont(1, 0x80, 0xBF) {
			return rune(c0&0x1F)<<6 | rune(s[1]&0x3F), 2
		}
	case c0 >= 0xE0 && c0 <= 0xEF:
		lo, hi := byte(0x80), byte(0xBF)
		if c0 == 0xE0 {
			lo = 0xA0
		} else if c0 == 0xED {
			hi = 0x9F
		}
		if cont(1, lo, hi) && cont(2, 0x80, 0xBF) {
			return rune(c0&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), 3
		}
	case c0 >= 0xF0 && c0 <= 0xF4:
		lo, hi := byte(0x80), byte(0xBF)
		if c0 == 0xF0 {
			lo = 0x90
		} else if c0 == 0xF4 {
			hi = 0x8F
		}
		if cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) {
			return rune(c0&0x07)<<18 | rune(s[1]&0x3F)<<12 | rune(s[2]&0x3F)<<6 | rune(s[3]&0x3F), 4
		}
	}
	return badRune, 1
}

// AppendRFC3339Nano appends the UTC time ns nanoseconds after the Unix
// epoch as time.RFC3339Nano formats it (0 is the zero time.Time, year 1).
func AppendRFC3339Nano(b []byte, ns int64) []byte {
	if ns == 0 {
		return append(b, "0001-01-01T00:00:00Z"...)
	}
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	y, m, d := civil(days)
	b = appendPadded(b, uint64(y), 10, 4)
	b = append(b, '-')
	b = appendPadded(b, uint64(m), 10, 2)
	b = append(b, '-')
	b = appendPadded(b, uint64(d), 10, 2)
	b = append(b, 'T')
	b = appendPadded(b, uint64(rem/3600), 10, 2)
	b = append(b, ':')
	b = appendPadded(b, uint64(rem/60%60), 10, 2)
	b = append(b, ':')
	b = appendPadded(b, uint64(rem%60), 10, 2)
	if frac != 0 {
		digits := appendPadded(nil, uint64(frac), 10, 9)
		for digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
		b = append(b, '.')
		b = append(b, digits...)
	}
	return append(b, 'Z')
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's civil_from_days).
func civil(days int64) (year, month, day int64) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
