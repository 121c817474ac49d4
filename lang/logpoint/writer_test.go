package logpoint_test

import (
	"strings"
	"testing"

	backendlogpoint "github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/logpoint"
)

// The logpoint backend's Language table agrees with this package: its
// literal writes what Quote writes, refuses what Quote refuses, and what
// it writes reads back to the value.
func TestWriterQuotesAsLang(t *testing.T) {
	f := ir.Field{Name: "f"}
	for _, v := range append(hostile, `a"b'c`, "a\tb", "\x1b", "a\u2028b") {
		if strings.ContainsAny(v, "*?") {
			continue // wildcards, not literals
		}
		got, err := backendlogpoint.Language.Emit(ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}})
		lit, qerr := logpoint.Quote(v)
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
		toks, err := logpoint.Lex(got)
		if err != nil || len(toks) != 4 || toks[2].Kind != lang.Str || toks[2].Text != v {
			t.Errorf("%q: %s lexes to %v, %v", v, got, toks, err)
		}
	}
}

// No keyword, in either case, is left bare as a field name: each is
// quoted, and reads back as a string, not a keyword.
func TestWriterFieldNamesAndKeywords(t *testing.T) {
	for _, kw := range logpoint.Keywords {
		for _, w := range []string{kw, strings.ToUpper(kw)} {
			got, err := backendlogpoint.Language.FieldName(w)
			if err != nil || got == w {
				t.Errorf("the writer writes the field %s as %q (%v), want it quoted", w, got, err)
				continue
			}
			toks, err := logpoint.Lex(got + "=1")
			if err != nil || toks[0].Kind != lang.Str || toks[0].Text != w {
				t.Errorf("%s written %s lexes to %v, %v", w, got, toks, err)
			}
		}
	}
}
