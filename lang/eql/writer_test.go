package eql_test

import (
	"regexp"
	"strings"
	"testing"

	backendeql "github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/eql"
)

// strings of a query in lang/eql's reading.
func stringsOf(t *testing.T, q string) []string {
	toks, err := eql.Lex(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out []string
	for _, tk := range toks {
		if tk.Kind == eql.String {
			out = append(out, tk.Text)
		}
	}
	return out
}

// The eql backend's Language tables (Endgame's and Elasticsearch's) agree
// with this package: a plain value is written as Quote writes it and
// reads back; a value with a control character Endgame's literals cannot
// hold is matched with match(), whose expression (read back) matches it.
func TestWriterQuotesAsLang(t *testing.T) {
	f := ir.Field{Name: "f"}
	for _, d := range []eql.Dialect{eql.Endgame, eql.Elasticsearch} {
		l := backendeql.Language
		if d == eql.Elasticsearch {
			l = backendeql.Elasticsearch
		}
		for _, v := range append(hostile, "\x1b[0m", "a\u2028b", "\x7f") {
			if strings.Contains(v, "*") {
				continue // a wildcard, not a literal
			}
			got, err := l.Emit(ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}})
			if err != nil {
				if lang.FirstControl(v) < 0 {
					t.Errorf("%d %q: %v", d, v, err)
				}
				continue // Elasticsearch's writer refuses every control character
			}
			strs := stringsOf(t, got)
			if len(strs) != 1 {
				t.Fatalf("%d %q: %s holds strings %q", d, v, got, strs)
			}
			if lit, err := eql.Quote(v, d); err == nil && lang.FirstControl(v) < 0 {
				if !strings.Contains(got, lit) || strs[0] != v {
					t.Errorf("%d %q: the writer writes %s, lang %s", d, v, got, lit)
				}
				continue
			}
			// match(f, ".*?(?:…)"): Python's re.match, ignoring case,
			// "." matching a line break.
			if !strings.HasPrefix(got, "match(") {
				t.Errorf("%d %q: %s", d, v, got)
				continue
			}
			re, err := regexp.Compile("(?is)^(?:" + strs[0] + ")")
			if err != nil || !re.MatchString(v) {
				t.Errorf("%d %q: %s reads back %q, which does not match it (%v)", d, v, got, strs[0], err)
			}
		}
	}
}

// No keyword of a dialect is left bare as a field name, where it would
// be read as the keyword: each is written as QuoteName writes it, in
// backticks, and reads back as the name.
func TestWriterFieldNamesAndKeywords(t *testing.T) {
	for _, d := range []eql.Dialect{eql.Endgame, eql.Elasticsearch} {
		l := backendeql.Language
		if d == eql.Elasticsearch {
			l = backendeql.Elasticsearch
		}
		for _, kw := range eql.Keywords(d) {
			w, err := l.FieldName(kw)
			lw, _ := eql.QuoteName(kw, d)
			if err != nil || w == kw || w != lw {
				t.Errorf("%d: the writer writes the field %s as %q (%v), lang as %s", d, kw, w, err, lw)
				continue
			}
			// A quoted keyword is lexed back as the name, not a keyword.
			toks, err := eql.Lex(w + ".x")
			if err != nil || len(toks) != 2 || toks[0].Kind != eql.Name || toks[0].Text != kw+".x" {
				t.Errorf("%d: %s.x lexes to %v, %v", d, w, toks, err)
			}
		}
		// Dotted names with odd parts read back part by part.
		for _, name := range []string{"a.b", "process.in", "a b.c", "x.`y"} {
			w, err := l.FieldName(name)
			if err != nil {
				continue
			}
			toks, err := eql.Lex(w)
			if err != nil || len(toks) != 2 || toks[0].Kind != eql.Name || toks[0].Text != name {
				t.Errorf("%d %q: written %s lexes to %v, %v", d, name, w, toks, err)
			}
		}
	}
}
