package ir_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/ir"
)

// normal is a pattern as Segments gives it: adjacent literal text joined,
// no empty literal.
func normal(segs []ir.Seg) []ir.Seg {
	var out []ir.Seg
	for _, s := range segs {
		if s.Kind == ir.Lit {
			if s.Text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].Kind == ir.Lit {
				out[n-1].Text += s.Text
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// TestPatternValueRoundTrip: every pattern of up to four pieces, from
// literal text holding the characters the notations treat specially and
// both wildcards, comes back from its value's Segments as it went in; the
// value is escaped exactly when the pseudocode's notation cannot hold it,
// and reads the same once escaped again.
func TestPatternValueRoundTrip(t *testing.T) {
	pieces := []ir.Seg{{Kind: ir.Lit, Text: "a"}, {Kind: ir.Lit, Text: "*"}, {Kind: ir.Lit, Text: "?"}, {Kind: ir.Lit, Text: `\`},
		{Kind: ir.Lit, Text: `x\*`}, {Kind: ir.AnyRun}, {Kind: ir.AnyOne}}
	var walk func(prefix []ir.Seg, n int)
	count := 0
	walk = func(prefix []ir.Seg, n int) {
		count++
		segs := normal(prefix)
		v := ir.PatternValue(prefix, false, diag.Pos{})
		if got := v.Segments(); !reflect.DeepEqual(got, segs) {
			t.Fatalf("%v: value %q gives %v", prefix, v.Str, got)
		}
		needs := false
		for _, s := range segs {
			needs = needs || s.Kind == ir.AnyOne || (s.Kind == ir.Lit && strings.ContainsAny(s.Text, "*?"))
		}
		if v.Escaped != needs || v.Plain() == needs {
			t.Fatalf("%v: %q escaped %v, want %v", prefix, v.Str, v.Escaped, needs)
		}
		if again := ir.PatternValue(v.Segments(), false, diag.Pos{}); again.Str != v.Str || again.Escaped != v.Escaped {
			t.Fatalf("%q: again %q", v.Str, again.Str)
		}
		wild := false
		for _, s := range segs {
			wild = wild || s.Kind != ir.Lit
		}
		if v.HasWildcard() != wild {
			t.Fatalf("%q: HasWildcard %v", v.Str, v.HasWildcard())
		}
		if n == 0 {
			return
		}
		for _, p := range pieces {
			walk(append(prefix[:len(prefix):len(prefix)], p), n-1)
		}
	}
	walk(nil, 4)
	if count != 1+7+49+343+2401 {
		t.Errorf("%d patterns", count)
	}
}

// TestSegmentsNotations: the two notations of Str: the pseudocode's, where
// only * is special, and the escaped one, where ? is one character and a
// backslash makes the next one literal (a final one is itself).
func TestSegmentsNotations(t *testing.T) {
	lit := func(s string) ir.Seg { return ir.Seg{Kind: ir.Lit, Text: s} }
	run, one := ir.Seg{Kind: ir.AnyRun}, ir.Seg{Kind: ir.AnyOne}
	for _, c := range []struct {
		v    ir.Value
		want []ir.Seg
	}{
		{ir.Value{Str: `C:\*?`}, []ir.Seg{lit(`C:\`), run, lit("?")}},
		{ir.Value{Str: `C:\\\*?`, Escaped: true}, []ir.Seg{lit(`C:\*`), one}},
		{ir.Value{Str: `a\`, Escaped: true}, []ir.Seg{lit(`a\`)}},
		{ir.Value{Str: `**`}, []ir.Seg{run, run}},
		{ir.Value{Str: ``}, nil},
	} {
		if got := c.v.Segments(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q (escaped %v): %v, want %v", c.v.Str, c.v.Escaped, got, c.want)
		}
	}
	if got := (ir.Value{Str: "a*b*"}).Parts(); !reflect.DeepEqual(got, []string{"a", "b", ""}) {
		t.Errorf("Parts: %q", got)
	}
}

// TestNewValue: a literal is a number when it reads as a plain decimal,
// quoted or not; ParseFloat's other forms stay strings.
func TestNewValue(t *testing.T) {
	for _, c := range []struct {
		in    string
		isNum bool
		text  string // NumText
	}{
		{"445", true, "445"}, {"-1.5", true, "-1.5"}, {"007", true, "7"}, {"0.10", true, "0.1"},
		{"1e5", false, ""}, {"0x10", false, ""}, {"Inf", false, ""}, {"NaN", false, ""}, {"+1", false, ""},
		{"1.", false, ""}, {".5", false, ""}, {"", false, ""}, {"-", false, ""}, {"12a", false, ""},
	} {
		v := ir.NewValue(c.in, diag.Pos{Line: 2})
		if v.IsNum != c.isNum || v.Str != c.in || v.Pos.Line != 2 || (c.isNum && v.NumText() != c.text) {
			t.Errorf("NewValue(%q) = %+v (%s)", c.in, v, v.NumText())
		}
		if c.isNum && v.HasWildcard() {
			t.Errorf("%q: a number has no wildcard", c.in)
		}
	}
}

// TestCaseMatters: a cased value matters only where case could differ.
func TestCaseMatters(t *testing.T) {
	for _, c := range []struct {
		v    ir.Value
		want bool
	}{
		{ir.Value{Str: "Abc", Cased: true}, true},
		{ir.Value{Str: "42-*", Cased: true}, false},
		{ir.Value{Str: "Abc"}, false},
		{ir.Value{Str: "é", Cased: true}, true},
		// ß has no upper case of its own, but folds with ẞ (as (?i) does).
		{ir.Value{Str: "ß", Cased: true}, true},
		{ir.Value{Str: "_-", Cased: true}, false},
		{ir.NewValue("5", diag.Pos{}), false},
	} {
		if got := c.v.CaseMatters(); got != c.want {
			t.Errorf("%+v: CaseMatters %v", c.v, got)
		}
	}
}

func field(n string) ir.Field { return ir.Field{Name: n} }

// tree holds every kind of condition once.
var tree = ir.And{Terms: []ir.Cond{
	ir.Match{Field: field("a"), Value: ir.Value{Str: "x"}},
	ir.Or{Terms: []ir.Cond{
		ir.Compare{Field: field("b"), Op: ">", Value: ir.NewValue("1", diag.Pos{})},
		ir.Not{X: ir.Regexp{Field: field("a"), Pattern: "y"}},
	}},
	ir.Exists{Field: field("c")},
	ir.CIDR{Field: field("d"), Block: "10.0.0.0/8"},
	ir.Keyword{Value: ir.Value{Str: "k"}},
}}

func kinds(c ir.Cond) string {
	var b []string
	ir.Walk(c, func(c ir.Cond) { b = append(b, strings.TrimPrefix(fmt.Sprintf("%T", c), "ir.")) })
	return strings.Join(b, " ")
}

// TestWalk: every condition, parents before their terms, in order.
func TestWalk(t *testing.T) {
	if got := kinds(tree); got != "And Match Or Compare Not Regexp Exists CIDR Keyword" {
		t.Errorf("Walk: %s", got)
	}
	ir.Walk(nil, func(ir.Cond) { t.Error("Walk of nil calls fn") })
	if got := ir.Fields(tree); !reflect.DeepEqual(got, []ir.Field{field("a"), field("b"), field("c"), field("d")}) {
		t.Errorf("Fields: %v", got)
	}
}

// TestMapLeaves: the leaves are replaced, the and, or and not kept, the
// input left as it was.
func TestMapLeaves(t *testing.T) {
	before := kinds(tree)
	renamed := ir.MapLeaves(tree, func(c ir.Cond) ir.Cond {
		if f, ok := ir.LeafField(c); ok {
			return ir.WithField(c, field(strings.ToUpper(f.Name)))
		}
		return c
	})
	if kinds(renamed) != before || kinds(tree) != before {
		t.Errorf("shape: %s, input now %s", kinds(renamed), kinds(tree))
	}
	if got := ir.Fields(renamed); !reflect.DeepEqual(got, []ir.Field{field("A"), field("B"), field("C"), field("D")}) {
		t.Errorf("renamed fields: %v", got)
	}
	if got := ir.Fields(tree); got[0].Name != "a" {
		t.Errorf("the input changed: %v", got)
	}
	// A leaf may become a group.
	split := ir.MapLeaves(ir.Not{X: ir.Exists{Field: field("c")}}, func(c ir.Cond) ir.Cond {
		return ir.Or{Terms: []ir.Cond{c, c}}
	})
	if kinds(split) != "Not Or Exists Exists" {
		t.Errorf("a leaf made a group: %s", kinds(split))
	}
	if ir.MapLeaves(nil, func(c ir.Cond) ir.Cond { return c }) != nil {
		t.Error("MapLeaves of nil")
	}
	// The keyword has no field: WithField leaves it, LeafField says so.
	k := ir.Keyword{Value: ir.Value{Str: "k"}}
	if _, ok := ir.LeafField(k); ok || !reflect.DeepEqual(ir.WithField(k, field("z")), k) {
		t.Error("a keyword has a field")
	}
}
