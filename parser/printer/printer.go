// Package printer prints a pseudocode syntax tree in the language's
// canonical form: one statement per line, lower-case keywords, "==" for
// equality, straight double quotes, parentheses only where the tree has
// them or precedence needs them, and long and/or chains broken one operand
// a line. Printing what it printed gives the same text, and parsing it
// gives the same tree.
package printer

import (
	"strings"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/parser/lexer"
)

// LineWidth is where a condition is broken over several lines.
const LineWidth = 100

// Print returns the canonical text of a program, ending in a newline
// (empty for an empty program).
func Print(prog *ast.Program) string {
	var b strings.Builder
	for _, s := range prog.Stmts {
		b.WriteString(Stmt(s))
		b.WriteByte('\n')
	}
	return b.String()
}

// Stmt returns the canonical text of one statement.
func Stmt(s ast.Stmt) string {
	switch s := s.(type) {
	case *ast.AssignStmt:
		head := s.Name.Name + " = "
		if s.Query != nil {
			return query(head, s.Query)
		}
		return head + Expr(s.Value)
	case *ast.FieldAssignStmt:
		return field(s.Target) + " = " + Expr(s.Value)
	case *ast.OutputStmt:
		kw := "output "
		if s.Return {
			kw = "return "
		}
		return kw + idents(s.Names)
	case *ast.InputStmt:
		return "input " + s.Name.Name
	case *ast.ExprStmt:
		return condition("", s.X)
	case *ast.BadStmt:
		// A program with errors is never printed; say so if it is.
		return "<statement with errors>"
	}
	return ""
}

func idents(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	return strings.Join(names, ", ")
}

func fields(fs []*ast.FieldRef) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = field(f)
	}
	return strings.Join(names, ", ")
}

func query(head string, q ast.Query) string {
	switch q := q.(type) {
	case *ast.SearchQuery:
		srcs := make([]string, len(q.Sources))
		for i, s := range q.Sources {
			srcs[i] = s.Object + ":" + s.Action
		}
		head += "search " + strings.Join(srcs, " or ")
		if q.Where == nil {
			return head
		}
		return condition(head+" where ", q.Where)
	case *ast.FilterQuery:
		head += "filter "
		if q.Source != nil {
			head += q.Source.Name + " "
		}
		return condition(head+"where ", q.Where)
	case *ast.JoinQuery:
		return condition(head+"join ("+q.Left.Name+", "+q.Right.Name+") where ", q.Where)
	case *ast.GroupQuery:
		head += "group " + idents(q.Sources) + " by " + fields(q.By)
		if q.Where == nil {
			return head
		}
		return condition(head+" where ", q.Where)
	case *ast.SelectQuery:
		items := make([]string, len(q.Items))
		for i, it := range q.Items {
			items[i] = Expr(it.X)
			if it.As != nil {
				items[i] += " as " + it.As.Name
			}
		}
		return head + "from " + q.Source.Name + " select " + strings.Join(items, ", ")
	case *ast.CountQuery:
		return head + "count(" + q.Source.Name + ") by " + fields(q.By)
	case *ast.RunQuery:
		return head + "run Analytic:" + q.Analytic
	}
	return head
}

// condition prints head followed by a condition, breaking a long and/or
// chain one operand a line: inside its parentheses when it has them, else
// with each line ending in the operator, which continues the statement.
// Operands that are long parenthesised chains themselves break the same
// way, indented one step further.
func condition(head string, x ast.Expr) string {
	var w writer
	w.WriteString(head)
	if fits(x, LineWidth-len(head)) {
		w.expr(x)
		return w.String()
	}
	if w.broken(x, "", len(head)) {
		return w.String()
	}
	b, ok := x.(*ast.BinaryExpr)
	if !ok || (b.Op != ast.OpAnd && b.Op != ast.OpOr) {
		w.expr(x)
		return w.String()
	}
	w.operands(b, "  ")
	return w.String()
}

// broken prints a parenthesised and/or chain over several lines, the
// parentheses at indent and the operands one step in; it prints nothing
// and returns false when x is not such a chain or fits on its line.
func (w *writer) broken(x ast.Expr, indent string, col int) bool {
	p, ok := x.(*ast.ParenExpr)
	if !ok {
		return false
	}
	b, ok := p.X.(*ast.BinaryExpr)
	if !ok || (b.Op != ast.OpAnd && b.Op != ast.OpOr) || fits(x, LineWidth-col) {
		return false
	}
	w.WriteString("(\n" + indent + "  ")
	w.operands(b, indent+"  ")
	w.WriteString("\n" + indent + ")")
	return true
}

// operands prints the operands of a chain, one a line at indent; the first
// line's indentation is the caller's to write.
func (w *writer) operands(b *ast.BinaryExpr, indent string) {
	list := flatten(b, b.Op)
	for i, o := range list {
		if i > 0 {
			w.WriteString(indent)
		}
		if !w.broken(o, indent, len(indent)) {
			w.exprPrec(o, prec(b)+1)
		}
		if i < len(list)-1 {
			w.WriteString(" " + b.Op.String() + "\n")
		}
	}
}

// flatten lists the operands of a chain of one operator, left to right.
// The parser builds a chain as a left-deep tree as deep as the chain is
// long: the walk keeps its own stack rather than recursing that deep.
func flatten(x ast.Expr, op ast.Op) []ast.Expr {
	var out []ast.Expr
	stack := []ast.Expr{x}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b, ok := x.(*ast.BinaryExpr); ok && b.Op == op {
			stack = append(stack, b.Y, b.X)
			continue
		}
		out = append(out, x)
	}
	return out
}

// Precedence levels, loosest first.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precAdd
	precMul
	precPrimary
)

func prec(x ast.Expr) int {
	switch x := x.(type) {
	case *ast.BinaryExpr:
		switch {
		case x.Op == ast.OpOr:
			return precOr
		case x.Op == ast.OpAnd:
			return precAnd
		case x.Op.IsComparison():
			return precCmp
		case x.Op == ast.OpMul:
			return precMul
		}
		return precAdd
	case *ast.NotExpr:
		return precNot
	case *ast.ChainExpr, *ast.MatchExpr, *ast.ContainsExpr, *ast.InExpr, *ast.ExistsExpr:
		return precCmp
	}
	return precPrimary
}

// Expr returns the canonical text of an expression.
func Expr(x ast.Expr) string {
	var w writer
	w.exprPrec(x, 0)
	return w.String()
}

// fits reports whether x prints in at most room bytes. It prints no more
// of x than that, so deciding where to break a long condition costs the
// line width, not the length of the condition, at each level of nesting.
func fits(x ast.Expr, room int) bool {
	if room < 0 {
		return false
	}
	w := writer{limit: room, limited: true}
	w.expr(x)
	return !w.over
}

// writer builds the text of a statement in one buffer: joining the texts
// of subtrees instead would copy a chain's text at each of its operands,
// n² for a chain of n. A limited writer stops once the text would be
// longer than limit, and says so in over.
type writer struct {
	strings.Builder
	limit   int
	limited bool
	over    bool
}

// room reports whether n more bytes fit, marking the writer over when
// they do not.
func (w *writer) room(n int) bool {
	if w.limited && !w.over && w.Len()+n > w.limit {
		w.over = true
	}
	return !w.over
}

// put writes a piece of text if it fits.
func (w *writer) put(s string) {
	if w.room(len(s)) {
		w.WriteString(s)
	}
}

// exprPrec prints x, in parentheses when it binds looser than min.
func (w *writer) exprPrec(x ast.Expr, min int) {
	if prec(x) < min {
		w.put("(")
		w.expr(x)
		w.put(")")
		return
	}
	w.expr(x)
}

// leftPrec is the precedence the left operand of b must have to print
// without parentheses. Comparisons do not chain without ChainExpr, and
// the arithmetic operators are left-associative: the right operand binds
// tighter (prec(b)+1).
func leftPrec(b *ast.BinaryExpr) int {
	if p := prec(b); p != precCmp {
		return p
	}
	return precCmp + 1
}

func (w *writer) expr(x ast.Expr) {
	if !w.room(0) {
		return
	}
	switch x := x.(type) {
	case *ast.FieldRef:
		// The length is known before the text is built.
		n := len(x.Parts) - 1
		for _, p := range x.Parts {
			n += len(p)
		}
		if w.room(n) {
			w.WriteString(field(x))
		}
	case *ast.StringLit:
		// Quoting only lengthens the value.
		if w.room(len(x.Value) + 2) {
			w.put(quote(x.Value))
		}
	case *ast.NumberLit:
		w.put(x.Text)
	case *ast.DurationLit:
		w.put(x.Text)
	case *ast.CIDRLit:
		w.put(x.Text)
	case *ast.NullLit:
		w.put("null")
	case *ast.NowLit:
		w.put("now")
	case *ast.ListLit:
		w.put("[")
		for i, e := range x.Elems {
			if i > 0 {
				w.put(", ")
			}
			w.exprPrec(e, precAdd)
		}
		if x.Ellipsis {
			if len(x.Elems) > 0 {
				w.put(", ")
			}
			w.put("...")
		}
		w.put("]")
	case *ast.ParenExpr:
		w.put("(")
		w.expr(x.X)
		w.put(")")
	case *ast.NotExpr:
		w.put("not ")
		w.exprPrec(x.X, precNot)
	case *ast.BinaryExpr:
		// The left spine of a chain is walked in a loop (see flatten);
		// a left operand that needs parentheses is printed on its own.
		spine := []*ast.BinaryExpr{x}
		for {
			top := spine[len(spine)-1]
			b, ok := top.X.(*ast.BinaryExpr)
			if !ok || prec(b) < leftPrec(top) {
				break
			}
			spine = append(spine, b)
		}
		bottom := spine[len(spine)-1]
		w.exprPrec(bottom.X, leftPrec(bottom))
		for i := len(spine) - 1; i >= 0 && w.room(0); i-- {
			b := spine[i]
			w.put(" " + b.Op.String() + " ")
			w.exprPrec(b.Y, prec(b)+1)
		}
	case *ast.ChainExpr:
		w.exprPrec(x.Operands[0], precAdd)
		for i, op := range x.Ops {
			w.put(" " + op.String() + " ")
			w.exprPrec(x.Operands[i+1], precAdd)
		}
	case *ast.MatchExpr:
		w.exprPrec(x.X, precAdd)
		w.put(" match ")
		w.exprPrec(x.Pattern, precAdd)
	case *ast.ContainsExpr:
		w.exprPrec(x.X, precAdd)
		if x.Not {
			w.put(" does not contain ")
		} else {
			w.put(" contains ")
		}
		w.exprPrec(x.Value, precAdd)
	case *ast.InExpr:
		w.exprPrec(x.X, precAdd)
		if x.Not {
			w.put(" not in ")
		} else {
			w.put(" in ")
		}
		w.exprPrec(x.List, precAdd)
	case *ast.ExistsExpr:
		w.exprPrec(x.X, precAdd)
		w.put(" exists")
	case *ast.CallExpr:
		w.put(x.Fun.Name + "(")
		for i, a := range x.Args {
			if i > 0 {
				w.put(", ")
			}
			w.exprPrec(a, 0)
		}
		w.put(")")
	}
}

// quote writes a string between double quotes, or between single quotes
// when it holds a smart double quote, which would end a double-quoted
// string (the lexer reads “ as "). A string holding smart quotes of both
// kinds cannot be written in the language; it is written between double
// quotes.
func quote(s string) string {
	if !lexer.HasSmartQuote(s, '"') || lexer.HasSmartQuote(s, '\'') {
		return ast.QuoteString(s)
	}
	// As ast.QuoteString does for double quotes: the quote is escaped,
	// and a backslash where the lexer would read it as an escape.
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			b.WriteString(`\'`)
		case c == '\\' && (i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '\''):
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func field(f *ast.FieldRef) string {
	s := strings.Join(f.Parts, ".")
	if f.Bracketed {
		return "[" + s + "]"
	}
	return s
}
