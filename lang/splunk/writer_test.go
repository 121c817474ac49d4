package splunk_test

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	backendsplunk "github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/splunk"
)

// The splunk backend's Language tables (Search, Where) agree with this
// package: every literal they write is Quote's, and reads back to its
// value; a value Quote refuses, the search command refuses too.
func TestWriterQuotesAsLang(t *testing.T) {
	f := ir.Field{Name: "f"}
	for _, v := range append(hostile, "a\tb", "\x1b", "a\u2028b") {
		if v == "*" {
			continue // a wildcard, not a literal
		}
		got, err := backendsplunk.Search.Emit(ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}})
		lit, qerr := splunk.Quote(v)
		if (err != nil) != (qerr != nil) {
			t.Errorf("%q: the writer says %v, lang %v", v, err, qerr)
			continue
		}
		if err != nil {
			continue
		}
		if got != "f="+lit {
			t.Errorf("%q: the writer writes %s, lang f=%s", v, got, lit)
		}
		toks, err := splunk.Lex(got)
		if err != nil || len(toks) != 4 || toks[2].Kind != lang.Str || toks[2].Text != v {
			t.Errorf("%q: %s lexes to %v, %v", v, got, toks, err)
		}
	}
	// where's match() takes its expression as a string literal.
	for _, re := range []string{`a\"b`, `\\d+`, `C:\\Windows\\`, `x|y`, `\|`, `"`} {
		got, err := backendsplunk.Where.Emit(ir.Regexp{Field: f, Pattern: re})
		if err != nil {
			t.Fatal(err)
		}
		toks, err := splunk.Lex(got)
		if err != nil || len(toks) != 7 || toks[4].Kind != lang.Str || toks[4].Text != re {
			t.Errorf("%q: %s lexes to %v, %v", re, got, toks, err)
		}
	}
}

// No keyword is left bare as a field name, where it would be read as the
// operator: the search command, which has no quote for a field name,
// refuses it by name; eval quotes it in single quotes, which read back
// as the field.
func TestWriterFieldNamesAndKeywords(t *testing.T) {
	for _, kw := range splunk.Keywords {
		if w, err := backendsplunk.Search.FieldName(kw); err == nil || !strings.Contains(err.Error(), kw) {
			t.Errorf("search: the writer writes the field %s as %q (%v), want it refused by name", kw, w, err)
		}
		w, err := backendsplunk.Where.FieldName(kw)
		if err != nil || w != splunk.FieldQuote+kw+splunk.FieldQuote || splunk.UnquoteField(w) != kw {
			t.Errorf("where: the writer writes the field %s as %q (%v), want it quoted", kw, w, err)
		}
	}
	// A name that is not a keyword (in another case, or holding one) is
	// written bare.
	for _, name := range []string{"and", "Or", "INDEX", "NOTE"} {
		for _, l := range []*backends.Language{backendsplunk.Search, backendsplunk.Where} {
			if w, err := l.FieldName(name); err != nil || w != name {
				t.Errorf("%s is written %q (%v), want it bare", name, w, err)
			}
		}
	}
}
