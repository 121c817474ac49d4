package dnif_test

import (
	"regexp"
	"testing"

	"github.com/cartrans/cartrans/lang/dnif"
)

// TestEscapeHex: a character without an escape is written \xHH, as
// %02x writes it (lower-case, two digits).
func TestEscapeHex(t *testing.T) {
	got, err := dnif.EscapeRegexArg("a b\x01")
	if err != nil || got != `a\x20b\x01` {
		t.Errorf("EscapeRegexArg = %q, %v; want %q", got, err, `a\x20b\x01`)
	}
}

// EscapeRegexArg and ScanRegex are inverses: an escaped argument, put in
// regex(…)i before the rest of a where clause, is read back as one term
// that ends where it was written to, and as an expression that matches
// what the original matches.
func TestEscapeRegexArgReadsBack(t *testing.T) {
	for _, c := range []struct{ re, in, out string }{
		{`^a b$`, "a b", "ab"},
		{`^(x|y) AND z$`, "y AND z", "y z"},
		{`^[)(]+$`, "()", "a"},
		{`^[]a]$`, "]", "b"},
		{`^\(\)$`, "()", "("},
		{`^a,b\$$`, "a,b$", "ab$"},
		{`^x>>y "q" 'r'$`, `x>>y "q" 'r'`, "x>>y"},
		{`.*(\d{1,3}).*`, "a12", "abc"},
		{`^é\t$`, "é\t", "é"},
	} {
		arg, err := dnif.EscapeRegexArg(c.re)
		if err != nil {
			t.Errorf("%q: %v", c.re, err)
			continue
		}
		q := "regex(" + arg + ")i AND $B=1"
		re, fold, end, err := dnif.ScanRegex(q, 0)
		if err != nil || !fold || q[end:] != " AND $B=1" {
			t.Errorf("%q: %s scans to %q, %v, ends at %d (%v)", c.re, q, re, fold, end, err)
			continue
		}
		got, err := regexp.Compile(re)
		if err != nil || !got.MatchString(c.in) || got.MatchString(c.out) {
			t.Errorf("%q: read back as %q (%v), which does not match as it does", c.re, re, err)
		}
	}
	// What no escape can carry is refused, not written raw.
	for _, re := range []string{`a\Qb c\E`, "a\u2028b", `a$b`, `a\`} {
		if arg, err := dnif.EscapeRegexArg(re); err == nil {
			t.Errorf("%q: written %q, want it refused", re, arg)
		}
	}
}
