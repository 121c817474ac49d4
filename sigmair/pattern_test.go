package sigmair

import (
	"slices"
	"testing"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/sigma"
)

// checkPattern fails where pattern and ir.PatternValue disagree.
func checkPattern(t *testing.T, segs []sigma.Segment) {
	t.Helper()
	pos := diag.Pos{File: "f.yml", Line: 3, Col: 5}
	for _, cased := range []bool{false, true} {
		if got, want := pattern(segs, cased, pos), ir.PatternValue(toIR(segs), cased, pos); got != want {
			t.Errorf("pattern(%v, %v) = %+v, ir.PatternValue gives %+v", segs, cased, got, want)
		}
	}
}

// TestPatternFastPath: lowering's pattern values are ir.PatternValue's,
// on edge cases, on each value of the corpus as written, and wrapped as
// contains, startswith, endswith and keywords wrap them.
func TestPatternFastPath(t *testing.T) {
	lit := func(s string) sigma.Segment { return sigma.Segment{Kind: sigma.Literal, Text: s} }
	star, one := sigma.Segment{Kind: sigma.AnyString}, sigma.Segment{Kind: sigma.AnyChar}
	for _, segs := range [][]sigma.Segment{
		nil, {lit("")}, {lit("a")}, {star}, {one}, {star, lit("a"), star}, {lit("a*b")}, {lit(`a\b`)},
		{lit("a?")}, {star, lit(`c:\x`), one}, {lit("a"), lit("b")}, {star, star}, {lit(`\*`), star},
	} {
		checkPattern(t, segs)
	}
	paths, data := corpusFiles(t)
	for i, p := range paths {
		rules, _ := sigma.Parse(p, data[i])
		for _, r := range rules {
			if r.Detection == nil {
				continue
			}
			for _, s := range r.Detection.Searches {
				for _, g := range s.Groups {
					for _, it := range g.Items {
						for _, v := range it.Values {
							segs := sigma.ParseString(v.Raw, false)
							checkPattern(t, segs)
							checkPattern(t, wrap(segs, true, true))
							checkPattern(t, wrap(segs, true, false))
							checkPattern(t, wrap(segs, false, true))
						}
					}
				}
			}
		}
	}
}

// TestWrap: contains, startswith and endswith add a run wildcard only
// where the pattern has none, and never change the value's segments.
func TestWrap(t *testing.T) {
	lit := func(s string) sigma.Segment { return sigma.Segment{Kind: sigma.Literal, Text: s} }
	star := sigma.Segment{Kind: sigma.AnyString}
	for _, c := range []struct {
		segs          []sigma.Segment
		before, after bool
		want          []sigma.Segment
	}{
		{nil, true, true, []sigma.Segment{star}},
		{nil, true, false, []sigma.Segment{star}},
		{nil, false, true, []sigma.Segment{star}},
		{nil, false, false, nil},
		{[]sigma.Segment{lit("a")}, true, true, []sigma.Segment{star, lit("a"), star}},
		{[]sigma.Segment{lit("a")}, true, false, []sigma.Segment{star, lit("a")}},
		{[]sigma.Segment{lit("a")}, false, true, []sigma.Segment{lit("a"), star}},
		{[]sigma.Segment{star, lit("a")}, true, true, []sigma.Segment{star, lit("a"), star}},
		{[]sigma.Segment{lit("a"), star}, true, true, []sigma.Segment{star, lit("a"), star}},
		{[]sigma.Segment{star}, true, true, []sigma.Segment{star}},
	} {
		in := slices.Clone(c.segs)
		got := wrap(in, c.before, c.after)
		if !slices.Equal(got, c.want) {
			t.Errorf("wrap(%v, %v, %v) = %v, want %v", c.segs, c.before, c.after, got, c.want)
		}
		if !slices.Equal(in, c.segs) {
			t.Errorf("wrap(%v, %v, %v) changed its input to %v", c.segs, c.before, c.after, in)
		}
	}
}
