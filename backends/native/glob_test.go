package native

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
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
		if got := compileGlob(ir.Value{Str: c.pattern}).match(lowerASCII(c.value)); got != c.want {
			t.Errorf("%q ~ %q: %v, want %v", c.pattern, c.value, got, c.want)
		}
	}
}

// BenchmarkGlobAdversarial: a pattern that makes a backtracking matcher
// take time exponential or quadratic in the value is linear here.
func BenchmarkGlobAdversarial(b *testing.B) {
	g := compileGlob(ir.Value{Str: "*a*a*a*a*a*a*a*a*b"})
	value := strings.Repeat("a", 1<<20)
	b.SetBytes(int64(len(value)))
	for b.Loop() {
		if g.match(value) {
			b.Fatal("matched")
		}
	}
}

// TestGlobSegments checks the patterns the pseudocode cannot write
// (Sigma's): "?" one character, a literal "*" and "?", a backslash before
// another character kept, and case-sensitive matching.
func TestGlobSegments(t *testing.T) {
	lit := func(s string) ir.Seg { return ir.Seg{Kind: ir.Lit, Text: s} }
	run, one := ir.Seg{Kind: ir.AnyRun}, ir.Seg{Kind: ir.AnyOne}
	for _, c := range []struct {
		segs  []ir.Seg
		cased bool
		value string
		want  bool
	}{
		{[]ir.Seg{one, lit(".exe")}, false, "A.EXE", true},
		{[]ir.Seg{one, lit(".exe")}, false, ".exe", false},
		{[]ir.Seg{one, lit(".exe")}, false, "ab.exe", false},
		{[]ir.Seg{one, lit(".exe")}, false, "é.exe", true}, // one character, two bytes
		{[]ir.Seg{lit("a"), one}, false, "ab", true},
		{[]ir.Seg{lit("a"), one}, false, "a", false},
		{[]ir.Seg{run, lit("b"), one, lit("d"), run}, false, "xxbcbxdyy", true},
		{[]ir.Seg{run, lit("b"), one, lit("d"), run}, false, "xxbcbxxdyy", false},
		{[]ir.Seg{run, one, one, one, run}, false, "ab", false},
		{[]ir.Seg{run, one, one, run}, false, "ab", true},
		{[]ir.Seg{run, lit("a"), one, lit("a"), run, lit("z")}, false, "aabaz", true},
		{[]ir.Seg{run, lit("a"), one, lit("a"), run, lit("z")}, false, "aabz", false},
		{[]ir.Seg{run, lit("é"), one, lit("x"), run}, false, "aéééxb", true},
		// A middle part longer than one machine word.
		{[]ir.Seg{run, lit(strings.Repeat("x", 70)), one, lit("y"), run}, false, "q" + strings.Repeat("x", 71) + "y", true},
		{[]ir.Seg{run, lit(strings.Repeat("x", 70)), one, lit("y"), run}, false, "q" + strings.Repeat("x", 70) + "y", false},
		// Literal * and ?, and a backslash before another character.
		{[]ir.Seg{lit("a*b")}, false, "a*b", true},
		{[]ir.Seg{lit("a*b")}, false, "axb", false},
		{[]ir.Seg{lit("a?b")}, false, "axb", false},
		{[]ir.Seg{lit("a?b"), run}, false, "a?bc", true},
		{[]ir.Seg{lit(`c:\w\`), run}, false, `C:\W\x`, true},
		{[]ir.Seg{lit(`a\`), run, lit(`*`)}, false, `a\b*`, true},
		{[]ir.Seg{lit(`a\`), run, lit(`*`)}, false, `a\b`, false},
		// Case.
		{[]ir.Seg{lit("CMD"), run}, true, "CMD.EXE", true},
		{[]ir.Seg{lit("CMD"), run}, true, "cmd.exe", false},
		{[]ir.Seg{lit("CMD"), one}, true, "CMDx", true},
		{[]ir.Seg{lit("CMD"), one}, false, "cmdx", true},
	} {
		v := ir.PatternValue(c.segs, c.cased, diag.Pos{})
		g := compileGlob(v)
		value := c.value
		if !c.cased {
			value = lowerASCII(value)
		}
		if got := g.match(value); got != c.want {
			t.Errorf("%q (cased %v) ~ %q: %v, want %v", v.Str, c.cased, c.value, got, c.want)
		}
	}
}

// BenchmarkGlobOneAdversarial: "?" keeps the match linear (Shift-And),
// on a value that makes a naive search of each part quadratic.
func BenchmarkGlobOneAdversarial(b *testing.B) {
	one := ir.Seg{Kind: ir.AnyOne}
	segs := []ir.Seg{{Kind: ir.AnyRun}}
	for range 40 {
		segs = append(segs, ir.Seg{Kind: ir.Lit, Text: "a"}, one)
	}
	segs = append(segs, ir.Seg{Kind: ir.Lit, Text: "b"}, ir.Seg{Kind: ir.AnyRun})
	g := compileGlob(ir.PatternValue(segs, false, diag.Pos{}))
	value := strings.Repeat("a", 1<<20)
	b.SetBytes(int64(len(value)))
	for b.Loop() {
		if g.match(value) {
			b.Fatal("matched")
		}
	}
}
