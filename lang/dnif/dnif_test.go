package dnif_test

import (
	"errors"
	"regexp"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/lang"
	"github.com/cartrans/cartrans/lang/dnif"
)

func TestLexQuery(t *testing.T) {
	q := `_fetch * from event where $LogName=WINDOWS-SYSMON AND $App=regex(.*cmd\.exe(x|[)])\,y.*)i NOT @a.b[0]!='x y' AND $P IN [PAD, 'P,R'] as #A limit 10` +
		"\n>>_checkif int_compare count_unique > 1 include"
	toks, err := dnif.Lex(q)
	if err != nil {
		t.Fatal(err)
	}
	type tk struct {
		k    dnif.Kind
		text string
	}
	want := []tk{{dnif.Word, "_fetch"}, {dnif.Word, "*"}, {dnif.Word, "from"}, {dnif.Word, "event"}, {dnif.Word, "where"},
		{dnif.Field, "$LogName"}, {dnif.Op, "="}, {dnif.Word, "WINDOWS-SYSMON"}, {dnif.Word, "AND"},
		{dnif.Field, "$App"}, {dnif.Op, "="}, {dnif.Regex, `.*cmd\.exe(x|[)]),y.*`}, {dnif.Word, "NOT"},
		{dnif.Field, "@a.b[0]"}, {dnif.Op, "!="}, {dnif.Str, "x y"}, {dnif.Word, "AND"},
		{dnif.Field, "$P"}, {dnif.Word, "IN"}, {dnif.LBrack, "["}, {dnif.Word, "PAD"}, {dnif.Comma, ","}, {dnif.Str, "P,R"}, {dnif.RBrack, "]"},
		{dnif.Word, "as"}, {dnif.Word, "#A"}, {dnif.Word, "limit"}, {dnif.Word, "10"}, {dnif.PipeTok, ">>"},
		{dnif.Word, "_checkif"}, {dnif.Word, "int_compare"}, {dnif.Word, "count_unique"}, {dnif.Op, ">"}, {dnif.Word, "1"}, {dnif.Word, "include"}, {dnif.EOF, ""}}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens %v, want %d", len(toks), toks, len(want))
	}
	for i, w := range want {
		if toks[i].Kind != w.k || toks[i].Text != w.text {
			t.Errorf("token %d: got %+v, want %+v", i, toks[i], w)
		}
		if toks[i].Kind != dnif.EOF && toks[i].End <= toks[i].Pos {
			t.Errorf("token %d has no span: %+v", i, toks[i])
		}
	}
	if !toks[11].Fold || q[toks[11].Pos:toks[11].End] != `regex(.*cmd\.exe(x|[)])\,y.*)i` {
		t.Errorf("regex token %+v spans %q", toks[11], q[toks[11].Pos:toks[11].End])
	}
}

// A regex() argument, as unquoted text, holds a hostile expression
// whole: its escaped parentheses, bracketed ones and \, read back, and the
// expression still matches what it matched.
func TestRegexArgumentReadsBack(t *testing.T) {
	for arg, want := range map[string]string{
		`a\)b`:        `a\)b`,
		`[()]+`:       `[()]+`,
		`[]a)]`:       `[]a)]`,
		`x\,y`:        `x,y`,
		`\\\,`:        `\\,`,
		`(a|b(c))$`:   `(a|b(c))$`,
		`\x20AND\x3e`: `\x20AND\x3e`,
	} {
		q := "$F=regex(" + arg + ") AND $G=1"
		re, fold, end, err := dnif.ScanRegex(q, 3)
		if err != nil || re != want || fold || q[end:] != " AND $G=1" {
			t.Errorf("%s: got %q %v %q %v, want %q", arg, re, fold, q[end:], err, want)
		}
		if _, err := regexp.Compile(re); err != nil {
			t.Errorf("%s: %v", re, err)
		}
	}
	for _, bad := range []string{"regex(a(b)", "regex([a)", `regex(a\)`} {
		_, _, _, err := dnif.ScanRegex(bad, 0)
		var e *lang.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want a lang.Error", bad, err)
		}
	}
	// The i flag only when the term ends after it.
	if _, fold, end, _ := dnif.ScanRegex("regex(a)ix", 0); fold || end != 8 {
		t.Errorf("regex(a)ix: fold %v, end %d", fold, end)
	}
}

func TestWords(t *testing.T) {
	for _, w := range []string{"AND", "not", "Limit", "as"} {
		if !dnif.IsReserved(w) {
			t.Errorf("%s is not reserved", w)
		}
	}
	if dnif.IsReserved("WINDOWS") || !dnif.IsTimeField("$Duration") || dnif.IsTimeField("Duration") {
		t.Error("reserved words or time fields")
	}
	if dnif.OpAt("<=1", 0) != "<=" || dnif.OpAt("x", 0) != "" || dnif.OpAt("==a", 0) != "==" {
		t.Error("OpAt")
	}
}
