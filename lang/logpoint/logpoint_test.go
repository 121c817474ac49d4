package logpoint_test

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/logpoint"
)

var hostile = []string{
	``, `"`, `'`, `a"b`, `a'b`, `\`, `C:\Windows\`, `C:\\x`, `\"`, `\'`, `|`, `a | chart count()`, `-x`, `[a, b]`,
	`AND`, `(x)`, `a=b`, `é`,
}

func TestQuoteReadsBack(t *testing.T) {
	for _, s := range hostile {
		lit, err := logpoint.Quote(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, err := logpoint.Unquote(lit); err != nil || got != s {
			t.Errorf("%q quoted %s reads back %q, %v", s, lit, got, err)
		}
		toks, err := logpoint.Lex("f=" + lit + " | chart count()")
		if err != nil || len(toks) < 4 || toks[2].Kind != lang.Str || toks[2].Text != s || toks[3].Kind != lang.Pipe {
			t.Errorf("%q: f=%s lexes to %v, %v", s, lit, toks, err)
		}
	}
}

func TestQuoteRefuses(t *testing.T) {
	for _, s := range []string{`a"b'c`, "a\tb", "\n", "\x1b", "\u2028"} {
		if lit, err := logpoint.Quote(s); err == nil {
			t.Errorf("%q quoted as %s, want an error", s, lit)
		}
	}
}

// A backslash is itself, in quotes and out.
func TestBackslashIsItself(t *testing.T) {
	toks, err := logpoint.Lex(`image="C:\\Windows\" x\ y`)
	if err != nil || toks[2].Text != `C:\\Windows\` || toks[3].Text != `x\` || toks[4].Text != "y" {
		t.Errorf("got %v, %v", toks, err)
	}
}

func TestNegationAndKeywords(t *testing.T) {
	toks, err := logpoint.Lex(`-image="x" - ( a=1 ) -"process"="y"`)
	if err != nil {
		t.Fatal(err)
	}
	if f, neg := logpoint.Negated(toks[0].Text); f != "image" || !neg {
		t.Errorf("%q: got %q, %v", toks[0].Text, f, neg)
	}
	if toks[3].Text != "-" || toks[4].Kind != lang.LParen || toks[9].Text != "-" || toks[10].Kind != lang.Str {
		t.Errorf("got %v", toks)
	}
	for _, w := range []string{"AND", "or", "Not", "IN", "process", "CHART"} {
		if !logpoint.IsKeyword(w) {
			t.Errorf("%s is not a keyword", w)
		}
	}
	if logpoint.IsKeyword("image") {
		t.Error("image is a keyword")
	}
}
