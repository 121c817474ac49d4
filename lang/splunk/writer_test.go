package splunk_test

import (
	"slices"
	"testing"

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

// writerLeavesBare are the keywords the writer's field names leave bare
// today (its fieldName takes any letters-digits name): a field named so
// would be read as the operator. Once the writer imports this package's
// Keywords the list is empty.
var writerLeavesBare = []string{"AND", "OR", "NOT", "IN"}

func TestWriterFieldNamesAndKeywords(t *testing.T) {
	for _, l := range []struct {
		name  string
		write func(string) (string, error)
	}{{"search", backendsplunk.Search.FieldName}, {"where", backendsplunk.Where.FieldName}} {
		var bare []string
		for _, kw := range splunk.Keywords {
			if w, err := l.write(kw); err == nil && w == kw {
				bare = append(bare, kw)
			}
		}
		if !slices.Equal(bare, writerLeavesBare) {
			t.Errorf("%s: the writer leaves the keywords %v bare as field names, want %v", l.name, bare, writerLeavesBare)
		}
	}
}
