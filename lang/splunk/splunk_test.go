package splunk_test

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/splunk"
)

// hostile are values that break a careless quoting: quotes, backslashes
// before a quote or at the end, pipes, the words and marks of the query
// around them.
var hostile = []string{
	``, `"`, `\`, `\\`, `a\"b`, `C:\Windows\`, `x\|y`, `|`, `a | stats count`, `'a'`, `AND`, `(x)`, `[sub]`, "`m`",
	`a=b`, `*`, `é ü`, `C:\\Windows\System32`,
}

func TestQuoteReadsBack(t *testing.T) {
	for _, s := range hostile {
		lit, err := splunk.Quote(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, err := splunk.Unquote(lit); err != nil || got != s {
			t.Errorf("%q quoted %s reads back %q, %v", s, lit, got, err)
		}
		// In a query, the literal is one token between its neighbours.
		toks, err := splunk.Lex("f=" + lit + " | table f")
		if err != nil || len(toks) != 7 || toks[2].Kind != lang.Str || toks[2].Text != s || toks[3].Kind != lang.Pipe {
			t.Errorf("%q: f=%s | table f lexes to %v, %v", s, lit, toks, err)
		}
	}
}

func TestQuoteRefusesControlCharacters(t *testing.T) {
	for _, s := range []string{"a\tb", "a\nb", "\r", "\x1b[0m", "a\u2028b", "\x7f"} {
		if lit, err := splunk.Quote(s); err == nil {
			t.Errorf("%q quoted as %s, want an error", s, lit)
		}
	}
}

// The Search Reference's escapes: \\ \" \| are read, quoted or not; every
// other backslash is itself.
func TestEscapes(t *testing.T) {
	for q, want := range map[string]string{
		`"C:\\Windows\System32"`: `C:\Windows\System32`,
		`"a\|b"`:                 `a|b`,
		`"a\"b"`:                 `a"b`,
		`"\d+\s"`:                `\d+\s`,
		`C:\\x\y`:                `C:\x\y`,
		`a\|b`:                   `a|b`,
	} {
		toks, err := splunk.Lex(q)
		if err != nil || len(toks) != 2 || toks[0].Text != want {
			t.Errorf("%s: got %v, %v, want one token %q", q, toks, err, want)
		}
	}
}

func TestKeywordsAreUpperCase(t *testing.T) {
	for _, w := range []string{"AND", "OR", "NOT", "IN"} {
		if !splunk.IsKeyword(w) {
			t.Errorf("%s is not a keyword", w)
		}
	}
	for _, w := range []string{"and", "or", "not", "in", "index"} {
		if splunk.IsKeyword(w) {
			t.Errorf("%s is a keyword", w)
		}
	}
}

func TestUnquoteField(t *testing.T) {
	for in, want := range map[string]string{`'a.b'`: "a.b", "a": "a", `'`: `'`, `'a`: `'a`} {
		if got := splunk.UnquoteField(in); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
