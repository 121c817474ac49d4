package backends

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Emit prints a mapped condition in the language. It returns an
// *Unsupported for a leaf the language cannot say.
func (l *Language) Emit(c ir.Cond) (string, error) {
	x, err := l.EmitExpr(c)
	return x.Text, err
}

// EmitExpr is Emit, keeping the condition's top operator, so that a
// driver can put it inside another (And, Or) with parentheses only where
// the language's precedence needs them.
func (l *Language) EmitExpr(c ir.Cond) (Expr, error) {
	if c == nil {
		return Expr{}, nil
	}
	e := &emitter{lang: l}
	op := e.kind(c, false)
	e.cond(c, false)
	return Expr{Text: e.b.String(), op: op}, e.err
}

// emitter writes a condition into one buffer: joining the texts of the
// groups inside each group instead copies the text of the innermost once
// for each group around it.
type emitter struct {
	lang *Language
	err  error
	b    strings.Builder
}

func (e *emitter) fail(construct string, f ir.Field, reason string) string {
	if e.err == nil {
		e.err = &Unsupported{Construct: construct, Backend: e.lang.Name, Pos: f.Pos, Reason: reason}
	}
	return ""
}

// kind is the operator c is written with, known before it is written:
// an or of values on one field is one list test, a guarded leaf brings
// its parentheses, a negation that is a function call is an atom.
func (e *emitter) kind(c ir.Cond, negated bool) opKind {
	l := e.lang
	switch c := c.(type) {
	case ir.And:
		return opAnd
	case ir.Or:
		if e.anyOfFits(c, negated) {
			return opAtom
		}
		return opOr
	case ir.Not:
		if l.NotCall {
			return opAtom
		}
		return opNot
	}
	if e.guarded(c, negated) {
		return opParen
	}
	return opAtom
}

// guarded reports a leaf that gets the presence guard: under a negation,
// in a three-valued language, of a field not every event carries.
func (e *emitter) guarded(c ir.Cond, negated bool) bool {
	if !negated || !e.lang.NullUnknown {
		return false
	}
	f, ok := ir.LeafField(c)
	_, isExists := c.(ir.Exists)
	return ok && !Present(f) && !isExists
}

// cond prints c; negated is set under a "not", where a three-valued
// language needs the presence guard on each leaf.
func (e *emitter) cond(c ir.Cond, negated bool) {
	l := e.lang
	switch c := c.(type) {
	case ir.And:
		e.join(c.Terms, l.And, opAnd, negated)
		return
	case ir.Or:
		if e.anyOfFits(c, negated) {
			e.anyOf(c)
			return
		}
		e.join(c.Terms, l.Or, opOr, negated)
		return
	case ir.Not:
		e.b.WriteString(l.Not)
		// A function's argument is always in parentheses (a guarded
		// leaf brings its own).
		k := e.kind(c.X, true)
		if l.NotCall && k != opParen || !l.NotCall && l.groups(k, opNot) {
			e.b.WriteString(l.Open)
			e.cond(c.X, true)
			e.b.WriteString(l.Close)
			return
		}
		e.cond(c.X, true)
		return
	}
	leaf := e.leaf(c)
	if e.guarded(c, negated) {
		f, _ := ir.LeafField(c)
		leaf = l.Open + e.fill(l.Guard, f, "", "") + l.And + leaf + l.Close
	}
	e.b.WriteString(leaf)
}

// join prints terms with an operator, a term in parentheses where the
// language's precedence needs them.
func (e *emitter) join(terms []ir.Cond, op string, k opKind, negated bool) {
	for i, t := range terms {
		if i > 0 {
			e.b.WriteString(op)
		}
		if e.lang.groups(e.kind(t, negated), k) {
			e.b.WriteString(e.lang.Open)
			e.cond(t, negated)
			e.b.WriteString(e.lang.Close)
			continue
		}
		e.cond(t, negated)
	}
}

// anyOfFits reports an or of matches on one field that the language's
// list test says.
func (e *emitter) anyOfFits(c ir.Or, negated bool) bool {
	l := e.lang
	if l.AnyOf == "" || len(c.Terms) < 2 || (negated && l.NullUnknown) {
		return false
	}
	var field string
	for i, t := range c.Terms {
		m, ok := t.(ir.Match)
		// A value the literals cannot hold is left to the or of matches,
		// which says it otherwise or refuses it (NoControl).
		if !ok || m.Value.IsNum || !m.Value.Plain() || (m.Value.HasWildcard() && !l.AnyOfWildcards) || (i > 0 && m.Field.Name != field) ||
			(l.NoControl && hasControl(m.Value.Str)) {
			return false
		}
		field = m.Field.Name
	}
	return true
}

// anyOf prints an or of matches on one field as the language's list test
// (anyOfFits holds).
func (e *emitter) anyOf(c ir.Or) {
	l := e.lang
	vals := make([]string, len(c.Terms))
	for i, t := range c.Terms {
		m := t.(ir.Match)
		vals[i] = e.literal(m.Value.Str, m.Value.HasWildcard())
	}
	e.b.WriteString(e.fill(l.AnyOf, c.Terms[0].(ir.Match).Field, "", strings.Join(vals, l.ListSep)))
}

// escapeControl writes the ASCII control characters of a regular
// expression as \xHH, which match the same; it gives up after a backslash,
// where the rewrite would change the escape, and on another control
// character (profile.IsControl), whose escape differs between dialects.
func escapeControl(re string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(re); {
		r, size := utf8.DecodeRuneInString(re[i:])
		switch {
		case r < 0x20 || r == 0x7f:
			if i > 0 && re[i-1] == '\\' {
				return "", false
			}
			fmt.Fprintf(&b, `\x%02x`, r)
		case profile.IsControl(r):
			return "", false
		default:
			b.WriteString(re[i : i+size]) // as it is, even if not UTF-8
		}
		i += size
	}
	return b.String(), true
}

func hasControl(s string) bool { return strings.ContainsFunc(s, profile.IsControl) }

func (e *emitter) leaf(c ir.Cond) string {
	l := e.lang
	switch c := c.(type) {
	case ir.Match:
		if c.Value.IsNum {
			if l.NumEq == "" {
				return e.fail("numeric equality", c.Field, "")
			}
			return e.fill(l.NumEq, c.Field, c.Value.NumText(), "")
		}
		if !c.Value.Plain() {
			return e.pattern(c)
		}
		tmpl := l.Match
		if !c.Value.HasWildcard() && l.Exact != "" {
			tmpl = l.Exact
		}
		if l.NoControl && hasControl(c.Value.Str) {
			if l.Regexp == "" {
				return e.fail("a value with a control character", c.Field, "a tab or line break cannot be written in its literals")
			}
			tmpl = ""
		}
		if tmpl == "" && l.Regexp != "" {
			// A language without a case-insensitive wildcard match
			// says it with a regular expression.
			return e.leaf(ir.Regexp{Field: c.Field, Pattern: WildcardRegexp(c.Value.Str)})
		}
		if tmpl == "" {
			return e.fail("a wildcard match", c.Field, "")
		}
		if tmpl == l.Match && l.hasAffix() && c.Value.HasWildcard() {
			if at, text := l.affix(c.Value.Segments()); at != "" {
				return e.fill(at, c.Field, "", e.literal(text, false))
			}
		}
		return e.fill(tmpl, c.Field, "", e.literal(c.Value.Str, c.Value.HasWildcard()))
	case ir.Compare:
		if l.Compare == "" {
			return e.fail("a numeric comparison", c.Field, "")
		}
		return e.fillAll(l.Compare, c.Field, c.Value.NumText(), "", c.Op, "")
	case ir.Regexp:
		if l.Regexp == "" {
			return e.fail("a regular expression", c.Field, "")
		}
		pattern, tmpl := c.Pattern, l.Regexp
		if l.RegexpFold != "" && strings.HasPrefix(pattern, "(?i)") {
			pattern, tmpl = pattern[len("(?i)"):], l.RegexpFold
		}
		if l.RegexpFor != nil {
			pattern = l.RegexpFor(pattern)
		}
		if l.NoControl && hasControl(pattern) {
			p, ok := escapeControl(pattern)
			if !ok {
				return e.fail("a regular expression with a control character", c.Field, "a tab or line break cannot be written in its literals")
			}
			pattern = p
		}
		return e.fill(tmpl, c.Field, "", e.literal(pattern, false))
	case ir.Exists:
		if l.Exists == "" {
			return e.fail("a test of presence", c.Field, "")
		}
		return e.fill(l.Exists, c.Field, "", "")
	case ir.CIDR:
		if l.CIDR == "" {
			return e.fail("an address block", c.Field, "")
		}
		return e.fillAll(l.CIDR, c.Field, "", e.literal(c.Block, false), "", c.Block)
	}
	return ""
}

// pattern writes a match of a value that is not plain (a ? wildcard, a
// literal * or ?, case-sensitive): with the language's own test where
// that says it exactly (Writes), else as a regular expression, else it is
// refused by name.
func (e *emitter) pattern(c ir.Match) string {
	l := e.lang
	if tmpl, segs := l.writes(c.Value); tmpl != "" {
		if at, text := l.affix(segs); tmpl == l.Match && at != "" {
			return e.fill(at, c.Field, "", e.literal(text, false))
		}
		return e.fill(tmpl, c.Field, "", e.literalSegs(segs, c.Value.HasWildcard()))
	}
	if l.Regexp != "" {
		return e.leaf(ir.Regexp{Field: c.Field, Pattern: PatternRegexp(c.Value)})
	}
	if l.NoControl && hasControl(c.Value.Str) {
		return e.fail("a value with a control character", c.Field, "a tab or line break cannot be written in its literals")
	}
	first := e.err == nil
	e.fail(fmt.Sprintf("the pattern %q (%s)", c.Value.Str, patternKind(c.Value)), c.Field,
		"its matches have no such pattern and the language no regular expressions")
	if first {
		e.err.(*Unsupported).Kind = "a pattern with " + patternKind(c.Value)
	}
	return ""
}

// affix picks the language's Contains, StartsWith or EndsWith test of a
// pattern that is one literal text after a run, before one, or between
// two, and gives the text; empty when none says it.
func (l *Language) affix(segs []ir.Seg) (tmpl, text string) {
	if !l.hasAffix() {
		return "", ""
	}
	i, j := 0, len(segs)
	for i < j && segs[i].Kind == ir.AnyRun {
		i++
	}
	for j > i && segs[j-1].Kind == ir.AnyRun {
		j--
	}
	if j-i != 1 || segs[i].Kind != ir.Lit {
		return "", ""
	}
	switch lead, trail := i > 0, j < len(segs); {
	case lead && trail:
		tmpl = l.Contains
	case lead:
		tmpl = l.EndsWith
	case trail:
		tmpl = l.StartsWith
	}
	return tmpl, segs[i].Text
}

func (l *Language) hasAffix() bool {
	return l.Contains != "" || l.StartsWith != "" || l.EndsWith != ""
}

// Writes reports whether the language's tests say a match of v exactly,
// without a regular expression.
func (l *Language) Writes(v ir.Value) bool {
	tmpl, _ := l.writes(v)
	return v.Plain() || tmpl != ""
}

// writes picks the test that says a match of a value that is not plain,
// and the pieces to write in its literal (a pattern's, or, for an exact
// test, the whole text as one literal piece); empty when none does.
func (l *Language) writes(v ir.Value) (string, []ir.Seg) {
	segs := v.Segments()
	var text strings.Builder
	inPattern := true // Match's patterns can hold every piece
	for _, s := range segs {
		switch s.Kind {
		case ir.AnyOne:
			inPattern = inPattern && l.AnyChar != ""
		case ir.Lit:
			text.WriteString(s.Text)
			for _, c := range "*?" {
				inPattern = inPattern && (!strings.ContainsRune(s.Text, c) || strings.ContainsRune(l.MatchLiteral, c))
			}
		}
	}
	if l.NoControl && hasControl(text.String()) {
		return "", nil
	}
	whole := []ir.Seg{{Kind: ir.Lit, Text: text.String()}}
	wild := v.HasWildcard()
	cased := v.CaseMatters()
	switch {
	case cased && !wild && l.CasedExact != "":
		return l.CasedExact, whole
	case cased && inPattern && l.CasedMatch != "":
		return l.CasedMatch, segs
	case cased:
		return "", nil
	case !wild && l.ExactLiteral != "":
		return l.ExactLiteral, whole
	case inPattern && l.Match != "":
		return l.Match, segs
	}
	return "", nil
}

// fill substitutes a template.
func (e *emitter) fill(tmpl string, f ir.Field, n, v string) string {
	return e.fillAll(tmpl, f, n, v, "", "")
}

// fillAll substitutes a template's every placeholder.
func (e *emitter) fillAll(tmpl string, f ir.Field, n, v, op, block string) string {
	name, err := e.lang.fieldName(Name(f))
	if err != nil && e.err == nil {
		e.err = &Unsupported{Construct: "the field name " + Name(f), Kind: "a field name the language cannot write", Backend: e.lang.Name, Pos: f.Pos, Reason: err.Error()}
	}
	return fillTemplate(tmpl, func(key string) (string, bool) {
		switch key {
		case "f":
			return name, true
		case "n":
			return n, true
		case "v", "vs":
			return v, true
		case "op":
			return op, true
		case "b":
			return block, true
		}
		return "", false
	})
}

// maxFieldNames bounds the field names a Language remembers, so that
// inputs naming ever new fields cannot grow it without end.
const maxFieldNames = 4096

// fieldName is FieldName, remembered per name: the backends check names
// with regular expressions, once per leaf, and a corpus names the same
// few hundred fields again and again. FieldName depends on the name
// alone.
func (l *Language) fieldName(name string) (string, error) {
	if v, ok := l.fieldNames.Load(name); ok {
		r := v.(fieldNameResult)
		return r.name, r.err
	}
	written, err := l.FieldName(name)
	if l.fieldNameCount.Load() < maxFieldNames {
		if _, loaded := l.fieldNames.LoadOrStore(name, fieldNameResult{written, err}); !loaded {
			l.fieldNameCount.Add(1)
		}
	}
	return written, err
}

type fieldNameResult struct {
	name string
	err  error
}

// literalSegs quotes a pattern's pieces as literal: each wildcard in
// the language's own writing ("*", AnyChar).
func (e *emitter) literalSegs(segs []ir.Seg, wildcard bool) string {
	l := e.lang
	_, wescape := l.replacers()
	var b strings.Builder
	for _, s := range segs {
		switch s.Kind {
		case ir.AnyRun:
			b.WriteByte('*')
		case ir.AnyOne:
			b.WriteString(l.AnyChar)
		default:
			if wildcard && wescape != nil {
				b.WriteString(wescape.Replace(s.Text))
			} else {
				b.WriteString(s.Text)
			}
		}
	}
	return e.quote(b.String(), wildcard)
}

// literal quotes a string: the language's escapes, and for a wildcard
// pattern the escapes of characters its wildcard syntax would read.
func (e *emitter) literal(s string, wildcard bool) string {
	l := e.lang
	if wildcard && l.Literal == nil {
		if _, wescape := l.replacers(); wescape != nil {
			parts := strings.Split(s, "*")
			for i, p := range parts {
				parts[i] = wescape.Replace(p)
			}
			s = strings.Join(parts, "*")
		}
	}
	return e.quote(s, wildcard)
}

// quote writes a string literal whose wildcards are already written.
func (e *emitter) quote(s string, wildcard bool) string {
	l := e.lang
	if l.Literal != nil {
		q, err := l.Literal(s, wildcard)
		if err != nil && e.err == nil {
			e.err = &Unsupported{Construct: "the value " + fmt.Sprintf("%q", s), Kind: "a value the language cannot quote", Backend: l.Name, Reason: err.Error()}
		}
		return q
	}
	escaper, _ := l.replacers()
	if escaper != nil {
		s = escaper.Replace(s)
	}
	return l.Quote + s + l.Quote
}

// fillTemplate substitutes the {name} placeholders in one pass, without
// reading the substituted text again (a value holding "{f}" stays as it is).
func fillTemplate(tmpl string, vals func(name string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); {
		if tmpl[i] == '{' {
			if j := strings.IndexByte(tmpl[i:], '}'); j > 0 {
				if v, ok := vals(tmpl[i+1 : i+j]); ok {
					b.WriteString(v)
					i += j + 1
					continue
				}
			}
		}
		b.WriteByte(tmpl[i])
		i++
	}
	return b.String()
}
