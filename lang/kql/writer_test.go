package kql_test

import (
	"regexp"
	"strings"
	"testing"

	backendkql "github.com/cartrans/cartrans/backends/kql"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/kql"
)

// The kql backend's Language table agrees with this package: a value is
// written as Quote writes it and reads back to itself; a value with a
// control character, which no literal holds, is matched by a regular
// expression whose literal (read back) matches it, or refused.
func TestWriterQuotesAsLang(t *testing.T) {
	f := ir.Field{Name: "f"}
	for _, v := range append(hostile, "a\tb", "a\nb", "\x1b[0m", "\x7f", "a\u2028b") {
		if v == "" || strings.Contains(v, "*") {
			continue // an empty match is refused (kql.md §3); * is a wildcard
		}
		got, err := backendkql.Language.Emit(ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}})
		if err != nil {
			if lang.FirstControl(v) < 0 {
				t.Errorf("%q: %v", v, err)
			}
			continue
		}
		// f =~ "…", or f matches regex "…": the literal ends the test.
		toks, err := kql.Lex(got)
		if err != nil || len(toks) < 4 || toks[0].Text != "f" || toks[len(toks)-2].Kind != kql.String {
			t.Errorf("%q: %s lexes to %v, %v", v, got, toks, err)
			continue
		}
		read := toks[len(toks)-2].Text
		if lang.FirstControl(v) < 0 {
			if lit := kql.Quote(v); got != "f =~ "+lit || read != v {
				t.Errorf("%q: the writer writes %s, lang f =~ %s", v, got, lit)
			}
			continue
		}
		re, err := regexp.Compile(read)
		if len(toks) != 5 || toks[1].Text != "matches" || toks[2].Text != "regex" || err != nil || !re.MatchString(v) || re.MatchString(v+"x") {
			t.Errorf("%q: %s reads back %q, which does not match it alone (%v)", v, got, read, err)
		}
	}
}

// No keyword is left bare as a column name, where it would be read as
// the keyword: the writer writes each (in any case) as QuoteName does,
// ['…'], which reads back as the name; other names it writes bare.
func TestWriterFieldNamesAndKeywords(t *testing.T) {
	for _, kw := range kql.Keywords {
		for _, name := range []string{kw, strings.ToUpper(kw)} {
			w, err := backendkql.Language.FieldName(name)
			lw, _ := kql.QuoteName(name)
			if err != nil || w == name || w != lw {
				t.Errorf("the writer writes the column %s as %q (%v), lang as %s", name, w, err, lw)
				continue
			}
			toks, err := kql.Lex(w + " == 1")
			if err != nil || len(toks) != 4 || toks[0].Kind != kql.Name || !toks[0].Quoted || toks[0].Text != name {
				t.Errorf("%s: %s lexes to %v, %v", name, w, toks, err)
			}
		}
	}
	for _, name := range []string{"FileName", "android", "Order_by", "x1"} {
		if w, err := backendkql.Language.FieldName(name); err != nil || w != name {
			t.Errorf("%s is written %q (%v), want it bare", name, w, err)
		}
	}
	for _, name := range []string{"a-b", "a b", `a\b`, `a"b`, "['x']"} {
		w, err := backendkql.Language.FieldName(name)
		toks, lerr := kql.Lex(w)
		if err != nil || lerr != nil || len(toks) != 2 || toks[0].Text != name || !toks[0].Quoted {
			t.Errorf("%q: written %s lexes to %v (%v, %v)", name, w, toks, err, lerr)
		}
	}
}
