package backends_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
)

// testLang is a language made up for the emitter's tests, as pySigma's
// sigma/backends/test is: every field of the table is set, to a text no
// other field writes, so that each output says which field wrote it. It
// reads like SQL's LIKE: ' quotes (doubled inside), * is a run, _ one
// character (so a literal _ is escaped in a pattern), ? is itself.
func testLang() *backends.Language {
	return &backends.Language{
		Name: "testlang",
		And:  " AND ", Or: " OR ", Not: "NOT ",
		Open: "(", Close: ")",
		Quote:           "'",
		Escapes:         []string{"'", "''"},
		WildcardEscapes: []string{"_", `\_`},
		NoControl:       true,
		FieldName: func(s string) (string, error) {
			if strings.ContainsAny(s, " -") {
				return "", errors.New("a space or dash in a name")
			}
			return s, nil
		},
		Match:          "{f} LIKE {v}",
		Exact:          "{f} = {v}",
		NumEq:          "{f} == {n}",
		Compare:        "{f} {op} {n}",
		Regexp:         "{f} RLIKE {v}",
		Exists:         "HAS({f})",
		CIDR:           "INNET({f}, {v}) /* {b} */",
		AnyOf:          "{f} IN [{vs}]",
		ListSep:        "; ",
		AnyChar:        "_",
		MatchLiteral:   "?",
		CasedExact:     "{f} CASED= {v}",
		CasedMatch:     "{f} CASEDLIKE {v}",
		ExactLiteral:   "{f} LITERAL= {v}",
		RegexpFor:      func(p string) string { return "/" + p + "/" },
		NullUnknown:    true,
		Guard:          "HAS({f})",
		AnyOfWildcards: false,
	}
}

var pos = diag.Pos{File: "t", Line: 3, Col: 7}

func f(name string) ir.Field { return ir.Field{Name: name, Pos: pos} }

// present is a field the profile says every event carries (as Map marks it).
func present(name string) ir.Field { return ir.Field{Name: "\x00" + name, Pos: pos} }

func str(s string) ir.Value { return ir.Value{Str: s, Pos: pos, Quoted: true} }

func match(field, value string) ir.Match { return ir.Match{Field: f(field), Value: str(value)} }

func pattern(cased bool, segs ...ir.Seg) ir.Value { return ir.PatternValue(segs, cased, pos) }

func lit(s string) ir.Seg { return ir.Seg{Kind: ir.Lit, Text: s} }

var run, one = ir.Seg{Kind: ir.AnyRun}, ir.Seg{Kind: ir.AnyOne}

// TestEmitConstructs: what the emitter writes for each IR construct, and
// which field of the table writes it.
func TestEmitConstructs(t *testing.T) {
	for _, c := range []struct {
		name string
		cond ir.Cond
		want string
	}{
		{"Exact: a string without wildcards", match("exe", "cmd.exe"), `exe = 'cmd.exe'`},
		{"Escapes: the quote doubled", match("user", "o'brien"), `user = 'o''brien'`},
		{"Match: a wildcard, WildcardEscapes on its literal parts", match("exe", `*my_tool*`), `exe LIKE '*my\_tool*'`},
		{"Exact takes no WildcardEscapes", match("exe", `my_tool`), `exe = 'my_tool'`},
		{"a value holding a placeholder stays as it is", match("x", "{f}"), `x = '{f}'`},
		{"NumEq", ir.Match{Field: f("pid"), Value: ir.NewValue("4688", pos)}, `pid == 4688`},
		{"Compare", ir.Compare{Field: f("n"), Op: ">=", Value: ir.NewValue("1.5", pos)}, `n >= 1.5`},
		{"Regexp through RegexpFor", ir.Regexp{Field: f("cmd"), Pattern: `a.*b`}, `cmd RLIKE '/a.*b/'`},
		{"Exists", ir.Exists{Field: f("parent")}, `HAS(parent)`},
		{"CIDR: {v} quoted, {b} as written", ir.CIDR{Field: f("ip"), Block: "10.0.0.0/8"}, `INNET(ip, '10.0.0.0/8') /* 10.0.0.0/8 */`},
		{"AnyOf: values on one field, joined by ListSep", ir.Or{Terms: []ir.Cond{match("exe", "a.exe"), match("exe", "b.exe")}}, `exe IN ['a.exe'; 'b.exe']`},
		{"AnyOf without AnyOfWildcards: an or", ir.Or{Terms: []ir.Cond{match("exe", "a*"), match("exe", "b")}}, `exe LIKE 'a*' OR exe = 'b'`},
		{"an or over two fields", ir.Or{Terms: []ir.Cond{match("a", "x"), match("b", "y")}}, `a = 'x' OR b = 'y'`},
		{"nested groups parenthesised", ir.And{Terms: []ir.Cond{ir.Or{Terms: []ir.Cond{match("a", "x"), match("b", "y")}}, match("c", "z")}},
			`(a = 'x' OR b = 'y') AND c = 'z'`},
		{"an and inside an or", ir.Or{Terms: []ir.Cond{ir.And{Terms: []ir.Cond{match("a", "x"), match("b", "y")}}, match("c", "z")}},
			`(a = 'x' AND b = 'y') OR c = 'z'`},
		{"NullUnknown: a negated leaf gets the Guard", ir.Not{X: match("a", "x")}, `NOT (HAS(a) AND a = 'x')`},
		{"no Guard for a field every event carries", ir.Not{X: ir.Match{Field: present("a"), Value: str("x")}}, `NOT a = 'x'`},
		{"no Guard for a test of presence", ir.Not{X: ir.Exists{Field: f("a")}}, `NOT HAS(a)`},
		{"under a negation no AnyOf, each leaf guarded", ir.Not{X: ir.Or{Terms: []ir.Cond{match("exe", "a"), match("exe", "b")}}},
			`NOT ((HAS(exe) AND exe = 'a') OR (HAS(exe) AND exe = 'b'))`},
		{"AnyChar: a ? wildcard", ir.Match{Field: f("x"), Value: pattern(false, lit("a"), one, lit("c"), run)}, `x LIKE 'a_c*'`},
		{"MatchLiteral: a literal ? in a pattern", ir.Match{Field: f("x"), Value: pattern(false, lit("what?"), run)}, `x LIKE 'what?*'`},
		{"ExactLiteral: a literal ? without wildcards", ir.Match{Field: f("x"), Value: pattern(false, lit("what?"))}, `x LITERAL= 'what?'`},
		{"a literal * (no MatchLiteral): a regular expression", ir.Match{Field: f("x"), Value: pattern(false, lit("a*b"), run)}, `x RLIKE '/(?is)^a\*b.*$/'`},
		{"CasedExact", ir.Match{Field: f("x"), Value: pattern(true, lit("Abc"))}, `x CASED= 'Abc'`},
		{"CasedMatch", ir.Match{Field: f("x"), Value: pattern(true, lit("Ab"), run)}, `x CASEDLIKE 'Ab*'`},
		{"a cased value without letters: no case to keep, ExactLiteral", ir.Match{Field: f("x"), Value: pattern(true, lit("4_2"))}, `x LITERAL= '4_2'`},
		{"NoControl: a tab goes through a regular expression", match("x", "a\tb"), `x RLIKE '/(?i)^a\x09b$/'`},
		{"NoControl: a tab in a regular expression as \\x09", ir.Regexp{Field: f("x"), Pattern: "a\tb"}, `x RLIKE '/a\x09b/'`},
	} {
		got, err := testLang().Emit(c.cond)
		if err != nil || got != c.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", c.name, got, err, c.want)
		}
	}
}

// TestEmitVariants: the fields that change how the rest is written.
func TestEmitVariants(t *testing.T) {
	// NotCall: the negation is a function, its argument parenthesised
	// even when a bare leaf.
	l := testLang()
	l.Not, l.NotCall, l.NullUnknown = "not", true, false
	if got, _ := l.Emit(ir.Not{X: match("a", "x")}); got != `not(a = 'x')` {
		t.Errorf("NotCall: %s", got)
	}
	if got, _ := l.Emit(ir.Not{X: ir.And{Terms: []ir.Cond{match("a", "x"), match("b", "y")}}}); got != `not(a = 'x' AND b = 'y')` {
		t.Errorf("NotCall of a group: %s", got)
	}
	// Literal replaces Quote, Escapes and WildcardEscapes: it gets the
	// pattern as it is, and whether it is one.
	l = testLang()
	l.Literal = func(s string, wildcard bool) (string, error) {
		if strings.Contains(s, `"`) {
			return "", errors.New("no double quote")
		}
		return fmt.Sprintf("<%s|%v>", s, wildcard), nil
	}
	if got, _ := l.Emit(match("a", "x_*")); got != `a LIKE <x_*|true>` {
		t.Errorf("Literal: %s", got)
	}
	if _, err := l.Emit(match("a", `say "x"`)); backends.Category(err) != "a value the language cannot quote" {
		t.Errorf("Literal's refusal: %v", err)
	}
	// No Exact: Match writes every string; AnyOfWildcards: a list of
	// patterns is one list test.
	l = testLang()
	l.Exact, l.AnyOfWildcards = "", true
	if got, _ := l.Emit(ir.Or{Terms: []ir.Cond{match("exe", "a*"), match("exe", "b")}}); got != `exe IN ['a*'; 'b']` {
		t.Errorf("AnyOfWildcards: %s", got)
	}
	// No Match: a wildcard match is a regular expression, the whole
	// value, without case.
	l = testLang()
	l.Match, l.Exact = "", ""
	if got, _ := l.Emit(match("exe", "*.EXE")); got != `exe RLIKE '/(?i)^.*\.EXE$/'` {
		t.Errorf("no Match: %s", got)
	}
}

// TestEmitRefusals: what a language cannot say is an *Unsupported naming
// the construct, the backend and the position, with a Category.
func TestEmitRefusals(t *testing.T) {
	noRegexp := func(mod func(*backends.Language)) *backends.Language {
		l := testLang()
		l.Regexp = ""
		if mod != nil {
			mod(l)
		}
		return l
	}
	for _, c := range []struct {
		name     string
		lang     *backends.Language
		cond     ir.Cond
		category string
	}{
		{"no NumEq", noRegexp(func(l *backends.Language) { l.NumEq = "" }), ir.Match{Field: f("pid"), Value: ir.NewValue("1", pos)}, "numeric equality"},
		{"no Compare", noRegexp(func(l *backends.Language) { l.Compare = "" }), ir.Compare{Field: f("n"), Op: "<", Value: ir.NewValue("1", pos)}, "a numeric comparison"},
		{"no Regexp", noRegexp(nil), ir.Regexp{Field: f("x"), Pattern: "a"}, "a regular expression"},
		{"no Exists", noRegexp(func(l *backends.Language) { l.Exists = "" }), ir.Exists{Field: f("x")}, "a test of presence"},
		{"no CIDR", noRegexp(func(l *backends.Language) { l.CIDR = "" }), ir.CIDR{Field: f("x"), Block: "10.0.0.0/8"}, "an address block"},
		{"a literal * without Regexp", noRegexp(nil), ir.Match{Field: f("x"), Value: pattern(false, lit("a*b"), run)}, "a pattern with a literal * or ?"},
		{"a cased pattern without CasedMatch", noRegexp(func(l *backends.Language) { l.CasedMatch = "" }), ir.Match{Field: f("x"), Value: pattern(true, lit("Ab"), run)}, "a pattern with case-sensitive"},
		{"a tab without Regexp", noRegexp(nil), match("x", "a\tb"), "a value with a control character"},
		{"a field name FieldName refuses", testLang(), match("bad name", "x"), "a field name the language cannot write"},
	} {
		got, err := c.lang.Emit(c.cond)
		var u *backends.Unsupported
		if !errors.As(err, &u) {
			t.Errorf("%s: %q, %v; want an *Unsupported", c.name, got, err)
			continue
		}
		if u.Backend != "testlang" || u.Pos != pos || backends.Category(err) != c.category || !backends.IsUnsupported(err) {
			t.Errorf("%s: %+v, category %q; want at %v, category %q", c.name, u, backends.Category(err), pos, c.category)
		}
	}
	// The first refusal is the one reported.
	_, err := testLang().Emit(ir.And{Terms: []ir.Cond{match("bad name", "x"), match("x y", "z")}})
	if err == nil || !strings.Contains(err.Error(), "bad name") {
		t.Errorf("first refusal: %v", err)
	}
}

// TestWrites: which values the language's own tests say exactly (the
// rest need a regular expression).
func TestWrites(t *testing.T) {
	l := testLang()
	for _, c := range []struct {
		v    ir.Value
		want bool
	}{
		{str("a*b"), true},
		{pattern(false, lit("a"), one), true},
		{pattern(false, lit("a*"), run), false}, // a literal *
		{pattern(true, lit("Ab"), run), true},
	} {
		if got := l.Writes(c.v); got != c.want {
			t.Errorf("Writes(%+v) = %v", c.v, got)
		}
	}
	l.AnyChar = ""
	if l.Writes(pattern(false, lit("a"), one, run)) {
		t.Error("a ? wildcard is written without AnyChar")
	}
}

// TestPatternRegexp: the regular expression of a value is the whole
// value, its literal text quoted, each * any run and each ? one
// character (line breaks included), without case unless cased; and it
// matches what the value's segments match.
func TestPatternRegexp(t *testing.T) {
	for _, c := range []struct {
		v        ir.Value
		want     string
		match    []string
		notMatch []string
	}{
		{str(`C:\*.exe`), `(?is)^C:\\.*\.exe$`, []string{`c:\x\Y.EXE`, "C:\\a\nb.exe"}, []string{`C:\x.exe.bak`, `D:\a.exe`}},
		{pattern(false, lit("a"), one, lit("c")), `(?is)^a.c$`, []string{"abc", "A\nC"}, []string{"ac", "abbc"}},
		{pattern(true, lit("Ab?"), run), `(?s)^Ab\?.*$`, []string{"Ab?", "Ab?x"}, []string{"ab?", "Abx"}},
		{str("a\tb"), `(?is)^a\x09b$`, []string{"a\tb"}, []string{"a b"}},
		{pattern(true, lit("4_2")), `(?is)^4_2$`, []string{"4_2"}, nil}, // no letter: case cannot matter
	} {
		got := backends.PatternRegexp(c.v)
		if got != c.want {
			t.Errorf("PatternRegexp(%q) = %s, want %s", c.v.Str, got, c.want)
			continue
		}
		re := regexp.MustCompile(got)
		for _, s := range c.match {
			if !re.MatchString(s) {
				t.Errorf("%s does not match %q", got, s)
			}
		}
		for _, s := range c.notMatch {
			if re.MatchString(s) {
				t.Errorf("%s matches %q", got, s)
			}
		}
	}
	if got := backends.PatternBody(str("a.b*c"), "%", "_"); got != `a\.b%c` {
		t.Errorf("PatternBody: %s", got)
	}
	if got := backends.WildcardPattern("w*1.corp", `[^.]*`); got != `w[^.]*1\.corp` {
		t.Errorf("WildcardPattern: %s", got)
	}
	if got := backends.WildcardRegexp("*.exe"); got != `(?i)^.*\.exe$` {
		t.Errorf("WildcardRegexp: %s", got)
	}
	if got := backends.QuoteMeta("a.b\n\x7f"); got != `a\.b\x0a\x7f` {
		t.Errorf("QuoteMeta: %s", got)
	}
}

type categorised struct{}

func (categorised) Error() string    { return "mapping refused: field x with value y" }
func (categorised) Category() string { return "a refused mapping" }

// TestCategory: a refusal's category is the same whatever its values and
// however it is wrapped, for each kind of refusal.
func TestCategory(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&backends.Unsupported{Construct: `the pattern "a?b"`, Kind: "a pattern with a ? wildcard"}, "a pattern with a ? wildcard"},
		{&backends.Unsupported{Construct: "join"}, "join"},
		{fmt.Errorf("CAR-1: %w", &backends.Unsupported{Construct: "x", Kind: "k"}), "k"},
		{&ir.Unsupported{Construct: "a thing", Kind: "a kind"}, "a kind"},
		{&ir.Unsupported{Construct: "a thing"}, "a thing"},
		{&backends.Unmapped{What: "field exe of process/create"}, "unmapped field"},
		{&backends.Unmapped{What: "events of process/access"}, "unmapped event"},
		{fmt.Errorf("wrapped: %w", categorised{}), "a refused mapping"},
		{errors.New("disk full"), "other"},
	} {
		if got := backends.Category(c.err); got != c.want {
			t.Errorf("Category(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if backends.IsUnsupported(&backends.Unmapped{What: "field x"}) || !backends.IsUnsupported(&ir.Unsupported{}) {
		t.Error("IsUnsupported: an unmapped field is no unsupported construct; the IR's refusal is")
	}
}

// TestHavingText: an aggregate's condition in the language's and, or and
// not, sums and differences of columns, numbers with every digit.
func TestHavingText(t *testing.T) {
	l := testLang()
	c := ir.Or{Terms: []ir.Cond{
		ir.Having{Terms: []ir.Column{{Name: "latest"}, {Name: "earliest", Subtract: true}}, Op: "<=", Value: 3600},
		ir.Not{X: ir.Having{Terms: []ir.Column{{Name: "n"}, {Name: "m"}}, Op: ">", Value: 1.25}},
	}}
	got := backends.HavingText(c, l, strings.ToUpper)
	if want := `LATEST - EARLIEST <= 3600 OR (NOT (N + M > 1.25))`; got != want {
		t.Errorf("HavingText:\n got %s\nwant %s", got, want)
	}
	agg := &ir.Aggregate{Items: []ir.AggItem{{Func: "count", As: "n"}}, Having: ir.Having{Terms: []ir.Column{{Name: "n"}}, Op: ">", Value: 5}}
	if text, ok := backends.CountHaving(agg, l, "count"); !ok || text != "count > 5" {
		t.Errorf("CountHaving: %q %v", text, ok)
	}
	agg.Having = ir.Having{Terms: []ir.Column{{Name: "user"}}, Op: ">", Value: 5}
	if _, ok := backends.CountHaving(agg, l, "count"); ok {
		t.Error("CountHaving accepts a condition on another column")
	}
}

// TestPrecedence: with a precedence declared, a group is parenthesised
// only where it binds no tighter than the operator around it; and and or
// associate; equal levels group every mix.
func TestPrecedence(t *testing.T) {
	a, b, c := match("a", "x"), match("b", "y"), match("c", "z")
	l := testLang()
	l.NullUnknown = false
	l.Prec = backends.Precedence{Or: 1, And: 2, Not: 3}
	for _, tc := range []struct {
		name string
		cond ir.Cond
		want string
	}{
		{"an and inside an or binds tighter", ir.Or{Terms: []ir.Cond{ir.And{Terms: []ir.Cond{a, b}}, c}}, `a = 'x' AND b = 'y' OR c = 'z'`},
		{"an or inside an and is grouped", ir.And{Terms: []ir.Cond{ir.Or{Terms: []ir.Cond{a, b}}, c}}, `(a = 'x' OR b = 'y') AND c = 'z'`},
		{"a not inside an and binds tighter", ir.And{Terms: []ir.Cond{a, ir.Not{X: b}}}, `a = 'x' AND NOT b = 'y'`},
		{"a not's group", ir.Not{X: ir.And{Terms: []ir.Cond{a, b}}}, `NOT (a = 'x' AND b = 'y')`},
		{"an and inside an and associates", ir.And{Terms: []ir.Cond{a, ir.And{Terms: []ir.Cond{b, c}}}}, `a = 'x' AND b = 'y' AND c = 'z'`},
		{"a not of a not", ir.Not{X: ir.Not{X: a}}, `NOT (NOT a = 'x')`},
	} {
		if got, err := l.Emit(tc.cond); err != nil || got != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.name, got, err, tc.want)
		}
	}
	// The driver's combinators follow the same rules.
	x, _ := l.EmitExpr(ir.Or{Terms: []ir.Cond{a, b}})
	y, _ := l.EmitExpr(ir.And{Terms: []ir.Cond{a, b}})
	if got := l.AndOf(backends.Atom("sel"), x).Text; got != `sel AND (a = 'x' OR b = 'y')` {
		t.Errorf("AndOf of an or: %s", got)
	}
	if got := l.AndOf(backends.Atom("sel"), y, backends.Expr{}).Text; got != `sel AND a = 'x' AND b = 'y'` {
		t.Errorf("AndOf of an and (an empty one left out): %s", got)
	}
	if got := l.OrOf(l.AndOf(backends.Atom("s1"), x), backends.Atom("s2")).Text; got != `s1 AND (a = 'x' OR b = 'y') OR s2` {
		t.Errorf("OrOf: %s", got)
	}
	if got := l.Operand(x, "and"); got != `(a = 'x' OR b = 'y')` {
		t.Errorf("Operand of an or under an and: %s", got)
	}
	if got := l.Operand(y, "or"); got != `a = 'x' AND b = 'y'` {
		t.Errorf("Operand of an and under an or: %s", got)
	}
	if got := l.OrOf(backends.Atom("s1"), backends.Expr{}); !got.Empty() {
		t.Errorf("OrOf with an alternative that always holds: %q", got.Text)
	}
	// Equal levels: every mix grouped.
	l.Prec = backends.Precedence{}
	if got, _ := l.Emit(ir.Or{Terms: []ir.Cond{ir.And{Terms: []ir.Cond{a, b}}, ir.Not{X: c}}}); got != `(a = 'x' AND b = 'y') OR (NOT c = 'z')` {
		t.Errorf("equal levels: %s", got)
	}
}

// TestAffixAndFold: a pattern that is one text after, before or between
// runs has the language's Contains, StartsWith or EndsWith test (its text
// a literal, not a pattern); any other pattern is Match's. RegexpFold
// takes a pattern's (?i) into the template.
func TestAffixAndFold(t *testing.T) {
	l := testLang()
	l.Contains, l.StartsWith, l.EndsWith = "{f} HAS {v}", "{f} BEGINS {v}", "{f} ENDS {v}"
	l.RegexpFold = "{f} IRLIKE {v}"
	for _, c := range []struct {
		cond ir.Cond
		want string
	}{
		{match("x", "*my_tool*"), `x HAS 'my_tool'`},
		{match("x", "**a*"), `x HAS 'a'`},
		{match("x", "a*"), `x BEGINS 'a'`},
		{match("x", "*.exe"), `x ENDS '.exe'`},
		{match("x", "a*b"), `x LIKE 'a*b'`},
		{match("x", "*"), `x LIKE '*'`},
		{match("x", "ab"), `x = 'ab'`},
		{ir.Match{Field: f("x"), Value: pattern(false, run, lit("what?"))}, `x ENDS 'what?'`},
		{ir.Regexp{Field: f("x"), Pattern: "(?i)a.b"}, `x IRLIKE '/a.b/'`},
		{ir.Regexp{Field: f("x"), Pattern: "a.b"}, `x RLIKE '/a.b/'`},
	} {
		if got, err := l.Emit(c.cond); err != nil || got != c.want {
			t.Errorf("%v: got %s (%v), want %s", c.cond, got, err, c.want)
		}
	}
}
