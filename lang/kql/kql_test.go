package kql_test

import (
	"errors"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/kql"
)

// hostile values: quotes of both kinds, backslashes (verbatim literals),
// doubled quotes, what looks like KQL outside a literal.
var hostile = []string{
	``, `"`, `'`, `\`, `\\`, `C:\Windows\`, `a\"b`, `a""b`, `@"x`, `\"`, `x" or 1==1 or "`, `x" | take 1 | where "`,
	`['x']`, `//`, `a // b`, `) or (`, `and`, `é`, `*`,
}

// Every value Quote writes reads back to itself, alone and inside a
// query, where it is one literal and the query's pipes stay outside it.
func TestQuoteReadsBack(t *testing.T) {
	for _, s := range hostile {
		lit := kql.Quote(s)
		if got, err := kql.Unquote(lit); err != nil || got != s {
			t.Errorf("%q quoted %s reads back %q, %v", s, lit, got, err)
		}
		toks, err := kql.Lex("T | where f == " + lit + " | take 1")
		if err != nil || len(toks) != 10 || toks[5].Kind != kql.String || toks[5].Text != s || toks[6].Text != "|" {
			t.Errorf("%q: %v, %v", s, toks, err)
		}
	}
}

// The literal forms of "The string data type": escapes in "…" and '…',
// none in a verbatim one, where a doubled quote is a quote.
func TestUnquoteForms(t *testing.T) {
	for lit, want := range map[string]string{
		`"a\"b"`: `a"b`, `'a\'b'`: `a'b`, `"it's"`: `it's`, `'say "hi"'`: `say "hi"`, `"a\\b"`: `a\b`, `"\t\n"`: "\t\n",
		`@"C:\x\"`: `C:\x\`, `@"a""b"`: `a"b`, `@'a''b'`: `a'b`, `@'a"b'`: `a"b`, `""`: ``,
	} {
		if got, err := kql.Unquote(lit); err != nil || got != want {
			t.Errorf("%s reads %q, %v; want %q", lit, got, err, want)
		}
	}
	for _, lit := range []string{`"a`, `"a\"`, `@"a""`, `"\q"`, `"\r"`, "\"a\nb\"", "\"a\x1bb\"", `"a" "b"`, `a`, `"a"x`} {
		if got, err := kql.Unquote(lit); err == nil {
			t.Errorf("%s read as %q, want an error", lit, got)
		}
	}
}

// Tokens carry their kinds and offsets; a quoted name is a name that is
// never a keyword; a bracket after an operand indexes it; comments are
// skipped.
func TestLex(t *testing.T) {
	q := `T | where ['and'] in~ ("a", 'b') and not(isnotempty(x)) or todouble(n) >= -1.5 // a comment "
| extend k = split(D, ".")[0], s = d["k"] | where t1 - t0 < 30s and !contains`
	toks, err := kql.Lex(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		if q[tk.Pos:tk.End] == "" && tk.Kind != kql.EOF {
			t.Errorf("%v: an empty token", tk)
		}
		got = append(got, map[kql.Kind]string{kql.Name: "n", kql.String: "s", kql.Number: "#", kql.Punct: "p", kql.EOF: "."}[tk.Kind]+":"+tk.Text)
	}
	want := "n:T p:| n:where n:and n:in~ p:( s:a p:, s:b p:) n:and n:not p:( n:isnotempty p:( n:x p:) p:) n:or n:todouble p:( n:n p:) p:>= p:- #:1.5 " +
		"p:| n:extend n:k p:= n:split p:( n:D p:, s:. p:) p:[ #:0 p:] p:, n:s p:= n:d p:[ s:k p:] p:| n:where n:t1 p:- n:t0 p:< #:30s n:and n:!contains .:"
	if strings.Join(got, " ") != want {
		t.Errorf("lexed\n %s\nwant\n %s", strings.Join(got, " "), want)
	}
	if toks[3].Text != "and" || !toks[3].Quoted || toks[3].Pos != 10 || toks[3].End != 17 {
		t.Errorf("the quoted name: %+v", toks[3])
	}
	for _, bad := range []string{`T | where x == "a`, `T | where x ; y`, `T | where ['a' == 1`, "T | where x == \"a\x00\""} {
		var le *lang.Error
		if _, err := kql.Lex(bad); !errors.As(err, &le) {
			t.Errorf("%s: %v, want a lang.Error", bad, err)
		}
	}
}

// A column name is bare when it is an identifier and no keyword (in any
// case), else ['…'] holding Quote's literal; an empty name or a control
// character is refused.
func TestQuoteName(t *testing.T) {
	for name, want := range map[string]string{
		"FileName": "FileName", "_x1": "_x1", "and": `["and"]`, "Where": `["Where"]`, "a-b": `["a-b"]`, "1day": `["1day"]`,
		`a\b`: `[@"a\b"]`, `a"b`: `["a\"b"]`, "a b": `["a b"]`,
	} {
		if got, err := kql.QuoteName(name); err != nil || got != want {
			t.Errorf("%q: %s, %v; want %s", name, got, err, want)
		}
	}
	for _, name := range []string{"", "a\nb", "\x1b"} {
		if got, err := kql.QuoteName(name); err == nil {
			t.Errorf("%q written %s, want an error", name, got)
		}
	}
}
