package lexer

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

func lex(src string) (*Tokens, diag.List) {
	var d diag.List
	ts := Lex(src, Base{File: "f.md", Line: 10, Indent: 2}, &d)
	Split(ts, &d)
	return ts, d
}

func kinds(ts *Tokens) string {
	var parts []string
	for _, t := range ts.List {
		switch t.Kind {
		case Word:
			parts = append(parts, ts.Text(t))
		case String:
			parts = append(parts, "S("+ts.Value(t)+")")
		case Newline:
			parts = append(parts, "NL")
		case EOF:
		default:
			parts = append(parts, t.Kind.String())
		}
	}
	return strings.Join(parts, " ")
}

func TestWordsAndOperators(t *testing.T) {
	for src, want := range map[string]string{
		`x = search Process:Create`:             `x '=' search Process:Create NL`,
		`exe=svchost.exe`:                       `exe '=' svchost.exe NL`,
		`command_line = *transfer*`:             `command_line '=' *transfer* NL`,
		`a.b.c != C:\Windows\*`:                 `a.b.c '!=' C:\Windows\* NL`,
		`ip == 10.0.0.0/8`:                      `ip '==' 10.0.0.0/8 NL`,
		`run Analytic:CAR-2013-05-003`:          `run Analytic:CAR-2013-05-003 NL`,
		`a - b`:                                 `a '-' b NL`,
		`x * 1.5`:                               `x '*' 1.5 NL`,
		`a && !b || c <> d`:                     `a '&&' '!' b '||' c '!=' d NL`,
		`[event_code] in [1100, 1102]`:          `'[' event_code ']' in '[' 1100 ',' 1102 ']' NL`,
		`f <= 1 and g >= 2 and h < 3 and i > 4`: `f '<=' 1 and g '>=' 2 and h '<' 3 and i '>' 4 NL`,
		`m match \d{1,3}`:                       `m match \d{1 ',' 3} NL`,
		`exe == café.exe or …x`:                 `exe '==' café.exe or …x NL`,
	} {
		toks, d := lex(src)
		if got := kinds(toks); got != want || len(d) > 0 {
			t.Errorf("%s\n got %s %v\nwant %s", src, got, d, want)
		}
	}
}

func TestStrings(t *testing.T) {
	for src, want := range map[string]string{
		`"C:\Windows\*"`:             `S(C:\Windows\*) NL`,
		`"C:\\Windows\\*"`:           `S(C:\Windows\*) NL`,
		`"say \"hi\""`:               `S(say "hi") NL`,
		`'it\'s'`:                    `S(it's) NL`,
		`"a{{pipe}}b"`:               `S(a|b) NL`,
		`"\t\r\b\u"`:                 `S(\t\r\b\u) NL`,
		`"a" "b"`:                    `S(a) S(b) NL`,
		`x == "Program Files (x86)"`: `x '==' S(Program Files (x86)) NL`,
	} {
		toks, d := lex(src)
		if got := kinds(toks); got != want || len(d) > 0 {
			t.Errorf("%s\n got %s %v\nwant %s", src, got, d, want)
		}
	}
}

// TestRepairs checks each certain repair: the tokens it gives, its code,
// and its position in the file (block line 1 is file line 10, indent 2).
func TestRepairs(t *testing.T) {
	for _, c := range []struct {
		src, toks, diag string
	}{
		{`exe = ”cmd.exe”`, `exe '=' S(cmd.exe) NL`, `f.md:10:9: warning[W101]`},
		{`x == "a" and y == "b`, `x '==' S(a) and y '==' S(b) NL`, `f.md:10:23: warning[W102]`},
		{`((x == "a) )`, `'(' '(' x '==' S(a) ')' ')' NL`, `f.md:10:12: warning[W102]`},
		{`(p == C:\x\services.exe" and q)`, `'(' p '==' S(C:\x\services.exe) and q ')' NL`, `f.md:10:9: warning[W103]`},
		{`(p != "explorer.exe"")`, `'(' p '!=' S(explorer.exe) ')' NL`, `f.md:10:23: warning[W104]`},
		{"x = filter y where (a == 1\noutput x", `x '=' filter y where '(' a '==' 1 ')' NL output x NL`, `f.md:10:29: warning[W105]`},
		{"x = filter y where (a == 1))\noutput x", `x '=' filter y where '(' a '==' 1 ')' NL output x NL`, `f.md:10:30: warning[W106]`},
		{"x = filter y where (a) or b) or c", `x '=' filter y where '(' a ')' or b or c NL`, `f.md:10:30: error[E107]`},
		{"a\x00b", `a illegal character b NL`, `f.md:10:4: error[E100]`},
		{`exe == ‘cmd.exe’`, `exe '==' S(cmd.exe) NL`, `f.md:10:10: warning[W101]`},
		{`p == "C:\Windows\"`, `p '==' S(C:\Windows\) NL`, `f.md:10:20: warning[W102]`},
		{"a \xff b", `a illegal character b NL`, `f.md:10:5: error[E100]`},
	} {
		toks, d := lex(c.src)
		if got := kinds(toks); got != c.toks {
			t.Errorf("%q: tokens\n got %s\nwant %s", c.src, got, c.toks)
		}
		if len(d) != 1 || !strings.HasPrefix(d[0].String(), c.diag) {
			t.Errorf("%q: diagnostics %v, want one %s", c.src, d, c.diag)
		}
	}
}

func TestContinuation(t *testing.T) {
	for src, want := range map[string]string{
		// open parenthesis
		"x = filter y where (\n a == 1\n)\noutput x": `x '=' filter y where '(' a '==' 1 ')' NL output x NL`,
		// trailing operator and where
		"x = filter y where\n a == 1 and\n b == 2": `x '=' filter y where a '==' 1 and b '==' 2 NL`,
		// leading connective
		"a == 1\n or b == 2": `a '==' 1 or b '==' 2 NL`,
		// trailing comma
		"output a,\n b": `output a ',' b NL`,
		// blank lines and separate statements
		"a = 1\n\n\nb = 2\n": `a '=' 1 NL b '=' 2 NL`,
	} {
		toks, d := lex(src)
		if got := kinds(toks); got != want || len(d) > 0 {
			t.Errorf("%q\n got %s %v\nwant %s", src, got, d, want)
		}
	}
}

func TestPositionsAreInTheFile(t *testing.T) {
	ts, _ := lex("a = 1\n  b == \"x\"")
	b := ts.List[4]
	if ts.Text(b) != "b" || ts.Pos(b).String() != "f.md:11:5" {
		t.Errorf("token %q at %v, want b at f.md:11:5", ts.Text(b), ts.Pos(b))
	}
}

// TestHugeLine lexes 10 MB lines: a word and an unterminated string, each
// with a byte that cannot be read; the result is a diagnostic, not a crash.
func TestHugeLine(t *testing.T) {
	word := "x == " + strings.Repeat("a", 10<<20) + "\x00"
	ts, d := lex(word)
	if ts.List[2].Kind != Word || len(ts.Text(ts.List[2])) != 10<<20 || len(d) != 1 || d[0].Code != CodeBadChar {
		t.Fatalf("10 MB word: %v", d)
	}
	str := `x == "` + strings.Repeat("ab", 5<<20)
	ts, d = lex(str)
	if ts.List[2].Kind != String || len(ts.Value(ts.List[2])) != 10<<20 || len(d) != 1 || d[0].Code != CodeClosingQuote {
		t.Fatalf("unterminated 10 MB string: %v", d)
	}
}

// TestQuoteKinds checks that a string records how it was quoted: the
// printer and the syntax-tree dumps read it.
func TestQuoteKinds(t *testing.T) {
	for src, want := range map[string]Quote{
		`"a"`: DoubleQuote,
		`'a'`: SingleQuote,
		`“a”`: SmartQuote,
		`"a”`: SmartQuote,
		`'a’`: SingleQuote,
		`‘a’`: SmartQuote,
	} {
		ts, _ := lex(src)
		if got := ts.List[0]; got.Kind != String || got.Quote != want {
			t.Errorf("%s: got %s quoted %d, want quote %d", src, got.Kind, got.Quote, want)
		}
	}
}
