package backends

// Precedence says how tightly a language's boolean operators bind, higher
// tighter, as its grammar has it. A group inside another is parenthesised
// unless it binds tighter than the operator around it, or is the same
// and (or or), which associates. Levels left equal (the zero value)
// group every mix of operators: right whatever the grammar, for a
// language whose precedence no source states.
type Precedence struct{ Or, And, Not int }

// opKind is the operator a written condition has at its top.
type opKind uint8

const (
	opAtom  opKind = iota // a leaf, a list test, a function call
	opParen               // a group that brings its own parentheses
	opNot
	opAnd
	opOr
)

// level is how tightly k binds in the language; atoms bind tightest.
func (l *Language) level(k opKind) (int, bool) {
	switch k {
	case opNot:
		return l.Prec.Not, true
	case opAnd:
		return l.Prec.And, true
	case opOr:
		return l.Prec.Or, true
	}
	return 0, false
}

// groups reports whether a condition written with child needs
// parentheses as an operand of parent.
func (l *Language) groups(child, parent opKind) bool {
	c, ok := l.level(child)
	if !ok {
		return false
	}
	if child == parent && child != opNot {
		return false // a and b and c: and associates
	}
	p, _ := l.level(parent)
	return c <= p
}

// Expr is a written condition with its top operator, which says where it
// needs parentheses inside another. The zero Expr holds always (no
// condition).
type Expr struct {
	Text string
	op   opKind
}

// Atom is text that needs no parentheses anywhere: a leaf, a list test, a
// function call, a group already parenthesised.
func Atom(text string) Expr { return Expr{Text: text} }

// Empty reports an Expr that holds always.
func (x Expr) Empty() bool { return x.Text == "" }

// AndOf joins conditions with the language's and, each in parentheses where
// the precedence needs them; empty ones (always true) are left out.
func (l *Language) AndOf(xs ...Expr) Expr { return l.combine(l.And, opAnd, false, xs) }

// OrOf joins alternatives with the language's or; one that is empty holds
// always, and so does the or.
func (l *Language) OrOf(xs ...Expr) Expr { return l.combine(l.Or, opOr, true, xs) }

func (l *Language) combine(sep string, op opKind, emptyWins bool, xs []Expr) Expr {
	var parts []Expr
	for _, x := range xs {
		if x.Empty() {
			if emptyWins {
				return Expr{}
			}
			continue
		}
		parts = append(parts, x)
	}
	switch len(parts) {
	case 0:
		return Expr{}
	case 1:
		return parts[0]
	}
	n := 0
	for _, x := range parts {
		n += len(x.Text) + len(sep) + len(l.Open) + len(l.Close)
	}
	b := make([]byte, 0, n)
	for i, x := range parts {
		if i > 0 {
			b = append(b, sep...)
		}
		b = l.appendOperand(b, x, op)
	}
	return Expr{Text: string(b), op: op}
}

// Operand is x written as an operand of the language's op ("and", "or" or
// "not"), parenthesised where the precedence needs it.
func (l *Language) Operand(x Expr, op string) string {
	k := opNot
	switch op {
	case "and":
		k = opAnd
	case "or":
		k = opOr
	}
	return string(l.appendOperand(nil, x, k))
}

func (l *Language) appendOperand(b []byte, x Expr, parent opKind) []byte {
	if l.groups(x.op, parent) {
		b = append(b, l.Open...)
		b = append(b, x.Text...)
		return append(b, l.Close...)
	}
	return append(b, x.Text...)
}
