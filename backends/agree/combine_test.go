package agree_test

// The boolean combinators the test-only interpreters share.

type pred = func(map[string]string) bool

// leftAssoc reads operands separated by an operator (sep consumes it when
// it is next) and joins them left to right.
func leftAssoc[T any](operand func() (T, error), sep func() bool, join func(a, b T) T) (T, error) {
	l, err := operand()
	for err == nil && sep() {
		var r T
		if r, err = operand(); err == nil {
			l = join(l, r)
		}
	}
	return l, err
}

// allOf reads terms side by side until done and holds when all hold.
func allOf(done func() bool, term func() (pred, error)) (pred, error) {
	var terms []pred
	for !done() {
		t, err := term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return func(ev map[string]string) bool {
		for _, t := range terms {
			if !t(ev) {
				return false
			}
		}
		return true
	}, nil
}

func orPred(a, b pred) pred { return func(ev map[string]string) bool { return a(ev) || b(ev) } }

// Three-valued logic (1 true, 0 false, -1 null), Kleene's or and and.
func triOr(a, b eqlExpr) eqlExpr {
	return func(ev map[string]string) tri { return max(a(ev), b(ev)) }
}

func triAnd(a, b eqlExpr) eqlExpr {
	return func(ev map[string]string) tri {
		x, y := a(ev), b(ev)
		if x == 0 || y == 0 {
			return 0
		}
		return min(x, y)
	}
}

// triNot: not null is null.
func triNot(x eqlExpr) eqlExpr {
	return func(ev map[string]string) tri {
		if v := x(ev); v >= 0 {
			return 1 - v
		}
		return -1
	}
}

// keyword returns a sep for leftAssoc: it consumes the word w.
func (p *splParser) keyword(w string) func() bool {
	return func() bool {
		if p.peek().kind != "word" || p.peek().text != w {
			return false
		}
		p.next()
		return true
	}
}

func (p *eqlParser) keyword(w string) func() bool {
	return func() bool {
		if p.peek().kind != "kw" || p.peek().text != w {
			return false
		}
		p.next()
		return true
	}
}
