package eql_test

import (
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang/eql"
)

var hostile = []string{
	``, `"`, `'`, `\`, `\\`, `C:\Windows\`, `a\"b`, `\u{41}`, `a | count`, `*`, `?`, `and`, "`x`", `é`,
	"a\tb", "a\nb", "\r", "\b\f",
}

func TestQuoteReadsBack(t *testing.T) {
	for _, d := range []eql.Dialect{eql.Endgame, eql.Elasticsearch} {
		for _, s := range append(hostile, "\x1b[0m", "a\u2028b", "\x7f") {
			lit, err := eql.Quote(s, d)
			if err != nil {
				if d == eql.Endgame && strings.ContainsAny(s, "\x1b\u2028\x7f") {
					continue // no escape in Endgame's grammar
				}
				t.Fatalf("%d %q: %v", d, s, err)
			}
			if got, err := eql.Unquote(lit); err != nil || got != s {
				t.Errorf("%d %q quoted %s reads back %q, %v", d, s, lit, got, err)
			}
			if strings.ContainsAny(lit, "\r\n") {
				t.Errorf("%q quoted %q holds a line break", s, lit)
			}
			toks, err := eql.Lex("process where f == " + lit + " | head 1")
			if err != nil || toks[4].Kind != eql.String || toks[4].Text != s || toks[5].Text != "|" {
				t.Errorf("%q: %v, %v", s, toks, err)
			}
		}
	}
	if lit, err := eql.Quote("\x1b", eql.Endgame); err == nil {
		t.Errorf("ESC quoted for Endgame as %s", lit)
	}
}

func TestStringForms(t *testing.T) {
	for lit, want := range map[string]string{
		`'a\'b'`:       `a'b`,
		`?"C:\Win\"x"`: `C:\Win"x`,
		`?'a\b'`:       `a\b`,
		`"""a"b"""`:    `a"b`,
		`"\u{1F600}"`:  "\U0001F600",
		`"\t\\"`:       "\t\\",
	} {
		if got, err := eql.Unquote(lit); err != nil || got != want {
			t.Errorf("%s: got %q, %v, want %q", lit, got, err, want)
		}
	}
	for _, bad := range []string{`"C:\Windows"`, `"a`, "\"a\nb\"", `"\u{}"`, `"\u{110000}"`} {
		if got, err := eql.Unquote(bad); err == nil {
			t.Errorf("%q read as %q", bad, got)
		}
	}
}

func TestNamesAndPositions(t *testing.T) {
	q := "process where `a b`.c[0] : \"x\" and in~ (1) or ?f.g and x:length() > 2 // c"
	toks, err := eql.Lex(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		if tk.Kind != eql.EOF && q[tk.Pos:tk.End] == "" {
			t.Errorf("%+v has no text", tk)
		}
		got = append(got, tk.Text)
	}
	want := "process where a b.c[0] : x and in~ ( 1 ) or f.g and x length ) > 2 "
	if strings.Join(got, " ") != want {
		t.Errorf("got %q\nwant %q", strings.Join(got, " "), want)
	}
	if toks[2].Plain || !toks[0].Plain || toks[6].Kind != eql.Name || !toks[6].Plain {
		t.Errorf("plain: %+v", toks)
	}
}

func TestQuoteName(t *testing.T) {
	for _, d := range []eql.Dialect{eql.Endgame, eql.Elasticsearch} {
		for _, part := range append(eql.Keywords(d), "a b", "x-y", "ok_1", "1x") {
			w, err := eql.QuoteName(part, d)
			if err != nil {
				t.Fatalf("%q: %v", part, err)
			}
			toks, err := eql.Lex(w)
			if err != nil || len(toks) != 2 || toks[0].Kind != eql.Name || toks[0].Text != part {
				t.Errorf("%d %q written %s lexes to %v, %v", d, part, w, toks, err)
			}
			if toks[0].Plain && eql.IsKeyword(part) {
				t.Errorf("keyword %q written bare", part)
			}
		}
	}
	if _, err := eql.QuoteName("a`b", eql.Endgame); err == nil {
		t.Error("a backtick in an Endgame name")
	}
	if w, _ := eql.QuoteName("a`b", eql.Elasticsearch); w != "`a``b`" {
		t.Errorf("got %s", w)
	}
}
