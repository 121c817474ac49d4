package ir

import (
	"reflect"
	"testing"

	"github.com/cartrans/cartrans/diag"
)

// TestPatternValue: a pattern the pseudocode's notation can hold is
// written in it (Plain, so every backend treats it as the pseudocode's);
// any other is escaped; either way Segments gives the pieces back.
func TestPatternValue(t *testing.T) {
	lit := func(s string) Seg { return Seg{Kind: Lit, Text: s} }
	run, one := Seg{Kind: AnyRun}, Seg{Kind: AnyOne}
	for _, c := range []struct {
		segs    []Seg
		str     string
		escaped bool
	}{
		{[]Seg{lit(`C:\Windows\`), run, lit(`\cmd.exe`)}, `C:\Windows\*\cmd.exe`, false},
		{[]Seg{lit(`C:\x`), run}, `C:\x*`, false}, // a backslash before another character is itself
		{[]Seg{lit(`what?`)}, `what\?`, true},     // escaped, though the pseudocode's ? is literal
		{[]Seg{lit("a"), one, lit("c")}, `a?c`, true},
		{[]Seg{lit(`a*b\c`), run}, `a\*b\\c*`, true},
		{[]Seg{lit(`?\`), one}, `\?\\?`, true},
		{nil, "", false},
	} {
		v := PatternValue(c.segs, false, diag.Pos{})
		if v.Str != c.str || v.Escaped != c.escaped || v.Plain() == c.escaped {
			t.Errorf("%v: %q escaped %v, want %q escaped %v", c.segs, v.Str, v.Escaped, c.str, c.escaped)
		}
		if got := v.Segments(); !reflect.DeepEqual(got, c.segs) {
			t.Errorf("%q: segments %v, want %v", v.Str, got, c.segs)
		}
	}
	if v := PatternValue([]Seg{{Kind: Lit, Text: "x"}}, true, diag.Pos{}); v.Plain() || !v.Cased {
		t.Errorf("a cased value is not plain: %+v", v)
	}
	// The pseudocode's notation: only * is special, a backslash is itself.
	if got := (Value{Str: `a\*?`}).Segments(); !reflect.DeepEqual(got, []Seg{{Kind: Lit, Text: `a\`}, {Kind: AnyRun}, {Kind: Lit, Text: "?"}}) {
		t.Errorf("plain segments: %v", got)
	}
}
