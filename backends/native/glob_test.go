package native

import (
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// TestGlob checks the pseudocode's wildcard (docs/pseudocode.md §5.3).
func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           bool
	}{
		{"cmd.exe", "CMD.EXE", true},
		{"cmd.exe", "cmd.exe ", false},
		{`C:\Windows\*\cmd.exe`, `c:\windows\system32\cmd.exe`, true},
		{`C:\Windows\*\cmd.exe`, `c:\windows\cmd.exe`, false},
		{"*-enc*", "powershell -ENC abc", true},
		{"*-enc*", "powershell", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "ac", false},
		{"a*a", "a", false}, // prefix and suffix may not overlap
		{"*", "", true},
		{"**", "x", true},
		{"ps*.exe", "psexec.exe", true},
		{"?.exe", "a.exe", false}, // only * is special
		{"[a].exe", "[A].EXE", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aba", false},
	} {
		if got := compileGlob(c.pattern).match(lowerASCII(c.value)); got != c.want {
			t.Errorf("%q ~ %q: %v, want %v", c.pattern, c.value, got, c.want)
		}
	}
}

// BenchmarkGlobAdversarial: a pattern that makes a backtracking matcher
// take time exponential or quadratic in the value is linear here.
func BenchmarkGlobAdversarial(b *testing.B) {
	g := compileGlob("*a*a*a*a*a*a*a*a*b")
	value := strings.Repeat("a", 1<<20)
	b.SetBytes(int64(len(value)))
	for b.Loop() {
		if g.match(value) {
			b.Fatal("matched")
		}
	}
}
