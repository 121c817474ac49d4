package dnif

import (
	"regexp"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// The expressions isField and isRaw stand for.
var (
	fieldRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	rawRE   = regexp.MustCompile(`^@[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
)

var nameSamples = []string{"", "a", "A1_", "_a", "1a", "a-b", "a.b", "é", "a b", "@", "@a", "@_a", "@1a", "@a.b", "@a.", "@.a",
	"@a..b", "@a.b_c.D9", "@a.1b", "@@a", "a@b", "@a-b", "@a.b\n", "SourceImage", "$x", "@Event.System.EventID"}

// TestNameChecks: the name checks agree with their expressions.
func TestNameChecks(t *testing.T) {
	check := func(s string) {
		if got, want := isField(s), fieldRE.MatchString(s); got != want {
			t.Errorf("isField(%q) = %v, want %v", s, got, want)
		}
		if got, want := isRaw(s), rawRE.MatchString(s); got != want {
			t.Errorf("isRaw(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range nameSamples {
		check(s)
		check(s + "x")
		check(strings.ToUpper(s))
	}
}

// FuzzNameChecks: the name checks agree with their expressions on any
// text.
func FuzzNameChecks(f *testing.F) {
	for _, s := range nameSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isField(s) != fieldRE.MatchString(s) || isRaw(s) != rawRE.MatchString(s) {
			t.Errorf("%q: isField %v (re %v), isRaw %v (re %v)", s, isField(s), fieldRE.MatchString(s), isRaw(s), rawRE.MatchString(s))
		}
	})
}
