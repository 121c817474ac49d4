package lang_test

import (
	"errors"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang"
)

func TestLexTermsTokensAndPositions(t *testing.T) {
	q := `a="x\"y" OR b!=2 | search [c] ` + "`m`"
	toks, err := lang.LexTerms(q, lang.TermRules{Escapes: `\"`})
	if err != nil {
		t.Fatal(err)
	}
	want := []lang.Token{
		{lang.Word, "a", 0}, {lang.Op, "=", 1}, {lang.Str, `x"y`, 2}, {lang.Word, "OR", 9},
		{lang.Word, "b", 12}, {lang.Op, "!=", 13}, {lang.Word, "2", 15}, {lang.Pipe, "|", 17},
		{lang.Word, "search", 19}, {lang.LBrack, "[", 26}, {lang.Word, "c", 27}, {lang.RBrack, "]", 28},
		{lang.Macro, "`m`", 30}, {lang.EOF, "", 33},
	}
	if len(toks) != len(want) {
		t.Fatalf("got %v, want %v", toks, want)
	}
	for i := range want {
		if toks[i] != want[i] {
			t.Errorf("token %d: got %+v, want %+v", i, toks[i], want[i])
		}
	}
}

func TestLexTermsErrors(t *testing.T) {
	for q, pos := range map[string]int{`a="x`: 2, "a `m": 2, `a='x`: 2} {
		_, err := lang.LexTerms(q, lang.TermRules{Single: true})
		var e *lang.Error
		if !errors.As(err, &e) || e.Pos != pos {
			t.Errorf("%q: got %v, want an error at %d", q, err, pos)
		}
	}
}

func TestUnquoteWantsOneLiteral(t *testing.T) {
	for _, lit := range []string{`"a" "b"`, `a`, `"a"b`, ``} {
		if v, err := lang.Unquote(lit, lang.TermRules{}); err == nil {
			t.Errorf("%q read as one literal %q", lit, v)
		}
	}
	if v, err := lang.Unquote(`"a\b"`, lang.TermRules{}); err != nil || v != `a\b` {
		t.Errorf("got %q, %v", v, err)
	}
}

func TestFirstControl(t *testing.T) {
	for s, want := range map[string]int{"abc": -1, "a\tb": 1, "é\x1b": 2, "a\u2028": 1, "\u200b": 0, "\x7f": 0} {
		if got := lang.FirstControl(s); got != want {
			t.Errorf("%q: got %d, want %d", s, got, want)
		}
	}
}
