package native

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
)

// test is a compiled condition on an event's raw fields.
type test func(x *event) bool

// compile turns a lowered condition, its fields already named as the
// schema names them, into a test with the pseudocode's meaning
// (docs/pseudocode.md §5): a test on an absent field is false, text
// compares without case and "*" is a wildcard, numbers compare as numbers
// when both sides are numbers, regular expressions are RE2 and
// unanchored.
func compile(c ir.Cond) (test, error) {
	switch c := c.(type) {
	case nil:
		return func(*event) bool { return true }, nil
	case ir.And, ir.Or:
		var terms []ir.Cond
		_, isAnd := c.(ir.And)
		if isAnd {
			terms = c.(ir.And).Terms
		} else {
			terms = c.(ir.Or).Terms
		}
		tests := make([]test, len(terms))
		for i, t := range terms {
			var err error
			if tests[i], err = compile(t); err != nil {
				return nil, err
			}
		}
		if isAnd {
			return func(x *event) bool {
				for _, t := range tests {
					if !t(x) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(x *event) bool {
			for _, t := range tests {
				if t(x) {
					return true
				}
			}
			return false
		}, nil
	case ir.Not:
		inner, err := compile(c.X)
		if err != nil {
			return nil, err
		}
		return func(x *event) bool { return !inner(x) }, nil
	case ir.Exists:
		name := backends.Name(c.Field)
		return func(x *event) bool { _, ok := x.Fields[name]; return ok }, nil
	case ir.Match:
		return matchTest(backends.Name(c.Field), c.Value), nil
	case ir.Keyword:
		// Any field's text (docs/design/sigma.md, "Keywords").
		g := compileGlob(c.Value)
		return func(x *event) bool {
			for _, v := range x.Fields {
				if !g.cased {
					v = lowerASCII(v)
				}
				if g.match(v) {
					return true
				}
			}
			return false
		}, nil
	case ir.Compare:
		return compareTest(backends.Name(c.Field), c.Op, c.Value.Num)
	case ir.Regexp:
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: regular expression %q: %v", c.Field.Pos, c.Pattern, err)
		}
		name := backends.Name(c.Field)
		return func(x *event) bool {
			v, ok := x.Fields[name]
			return ok && re.MatchString(v)
		}, nil
	case ir.CIDR:
		block, err := netip.ParsePrefix(c.Block)
		if err != nil {
			return nil, fmt.Errorf("%s: address block %q: %v", c.Field.Pos, c.Block, err)
		}
		block = block.Masked()
		name := backends.Name(c.Field)
		return func(x *event) bool {
			v, ok := x.Fields[name]
			if !ok {
				return false
			}
			a, err := netip.ParseAddr(strings.TrimSpace(v))
			return err == nil && block.Contains(a.Unmap())
		}, nil
	}
	return nil, fmt.Errorf("native: no test for %T", c)
}

// matchTest is ==: numerically when the literal and the value are both
// numbers, else the wildcard pattern against the text, ignoring case
// unless the value is cased.
func matchTest(name string, v ir.Value) test {
	g := compileGlob(v)
	text := func(x *event, s string) string {
		if g.cased {
			return s
		}
		return x.lower(name, s)
	}
	if v.IsNum {
		num := v.Num
		return func(x *event) bool {
			s, ok := x.Fields[name]
			if !ok {
				return false
			}
			if n, ok := number(s); ok {
				return n == num
			}
			return g.match(text(x, s))
		}
	}
	return func(x *event) bool {
		s, ok := x.Fields[name]
		return ok && g.match(text(x, s))
	}
}

// compareTest orders a value against a number; a value that is not a
// number is not ordered (the lowering refuses ordering of strings).
func compareTest(name, op string, num float64) (test, error) {
	var cmp func(a float64) bool
	switch op {
	case "<":
		cmp = func(a float64) bool { return a < num }
	case "<=":
		cmp = func(a float64) bool { return a <= num }
	case ">":
		cmp = func(a float64) bool { return a > num }
	case ">=":
		cmp = func(a float64) bool { return a >= num }
	default:
		return nil, fmt.Errorf("native: unknown comparison %q", op)
	}
	return func(x *event) bool {
		s, ok := x.Fields[name]
		if !ok {
			return false
		}
		n, ok := number(s)
		return ok && cmp(n)
	}, nil
}

// number reads a decimal number as the pseudocode writes them (digits,
// an optional sign and fraction; not 1e5, 0x10 or Inf).
func number(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	t := strings.TrimPrefix(s, "-")
	intPart, frac, dot := strings.Cut(t, ".")
	if !digits(intPart) || dot && !digits(frac) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
