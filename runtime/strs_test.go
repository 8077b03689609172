package runtime

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The engine's replacements for strings, strconv and time's duration
// syntax, held to the originals on the inputs options meet.

func TestStringHelpersMatchStd(t *testing.T) {
	inputs := []string{"", " ", "a", " a b\tc\n", "\u00a0x\u2003y\u3000", "skip=1  delay=2ms", "x=", "=", "a,b , c,,", "\x85q\x85"}
	for _, s := range inputs {
		if got, want := fields(s), strings.Fields(s); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("fields(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := quote(s), strconv.Quote(s); got != want {
			t.Errorf("quote(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range []string{"0", "12", "-5", "+7", "", "-", "1x", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999"} {
		got, ok := atoi(s)
		want, err := strconv.Atoi(s)
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("atoi(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	}
	for _, v := range []int64{0, 1, -1, 42, -9223372036854775808, 9223372036854775807} {
		if got, want := itoa(v), strconv.FormatInt(v, 10); got != want {
			t.Errorf("itoa(%d) = %q", v, got)
		}
	}
}

func TestDecimalMatchesStrconv(t *testing.T) {
	inputs := []string{"0", "1", "0.1", "0.5", ".25", "1.", "0.001", "0.00001", "1e-3", "5E-1", "0.333333333333333", "0.123456789012345", "00.10", "x", "", ".", "1e", "0.1.2"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		inputs = append(inputs, "0."+strconv.Itoa(rng.IntN(1000000000)))
	}
	for _, s := range inputs {
		got, ok := parseDecimal(s)
		want, err := strconv.ParseFloat(s, 64)
		if !ok {
			if err == nil && !strings.ContainsAny(s, "eE") && len(s) < 17 {
				t.Errorf("parseDecimal(%q) failed, strconv gives %v", s, want)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("parseDecimal(%q) = %v, strconv %v (%v)", s, got, want, err)
			continue
		}
		if g, w := formatFloat(got), strconv.FormatFloat(want, 'g', -1, 64); g != w {
			t.Errorf("formatFloat(%v) = %q, strconv %q", got, g, w)
		}
	}
}

func TestDurationMatchesTime(t *testing.T) {
	inputs := []string{"0", "80us", "80µs", "2ms", "1.5s", "-3m", "1h2m3.5s", "500us", "10ms", "3s", "", "5", "1x", "+1s", ".5ms", "1.s", "9223372036854775807ns", "9223372036854775808ns", "2562047h47m16.854775807s"}
	for _, s := range inputs {
		got, ok := parseDuration(s)
		want, err := time.ParseDuration(s)
		if ok != (err == nil) || (ok && int64(got) != int64(want)) {
			t.Errorf("parseDuration(%q) = %v, %v; time: %v, %v", s, int64(got), ok, want, err)
		}
		if ok && got.String() != want.String() {
			t.Errorf("Duration(%q).String() = %q, time %q", s, got.String(), want.String())
		}
	}
}
