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
	flat := head + Expr(x)
	if len(flat) <= LineWidth {
		return flat
	}
	if _, ok := x.(*ast.ParenExpr); ok {
		if s, ok := broken(x, "", len(head)); ok {
			return head + s
		}
		return flat
	}
	b, ok := x.(*ast.BinaryExpr)
	if !ok || (b.Op != ast.OpAnd && b.Op != ast.OpOr) {
		return flat
	}
	return head + operands(b, "  ")
}

// broken prints a parenthesised and/or chain over several lines, the
// parentheses at indent and the operands one step in; ok is false when x
// is not such a chain or fits on its line.
func broken(x ast.Expr, indent string, col int) (string, bool) {
	p, ok := x.(*ast.ParenExpr)
	if !ok || col+len(expr(x)) <= LineWidth {
		return "", false
	}
	b, ok := p.X.(*ast.BinaryExpr)
	if !ok || (b.Op != ast.OpAnd && b.Op != ast.OpOr) {
		return "", false
	}
	return "(\n" + indent + "  " + operands(b, indent+"  ") + "\n" + indent + ")", true
}

// operands prints the operands of a chain, one a line at indent; the first
// line's indentation is the caller's to write.
func operands(b *ast.BinaryExpr, indent string) string {
	var list []ast.Expr
	flatten(b, b.Op, &list)
	var s strings.Builder
	for i, o := range list {
		if i > 0 {
			s.WriteString(indent)
		}
		text, ok := broken(o, indent, len(indent))
		if !ok {
			text = exprPrec(o, prec(b)+1)
		}
		s.WriteString(text)
		if i < len(list)-1 {
			s.WriteString(" " + b.Op.String() + "\n")
		}
	}
	return s.String()
}

// flatten collects the operands of a left-leaning chain of one operator.
func flatten(x ast.Expr, op ast.Op, out *[]ast.Expr) {
	if b, ok := x.(*ast.BinaryExpr); ok && b.Op == op {
		flatten(b.X, op, out)
		flatten(b.Y, op, out)
		return
	}
	*out = append(*out, x)
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
func Expr(x ast.Expr) string { return exprPrec(x, 0) }

// exprPrec prints x, in parentheses when it binds looser than min.
func exprPrec(x ast.Expr, min int) string {
	s := expr(x)
	if prec(x) < min {
		return "(" + s + ")"
	}
	return s
}

func expr(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.FieldRef:
		return field(x)
	case *ast.StringLit:
		return ast.QuoteString(x.Value)
	case *ast.NumberLit:
		return x.Text
	case *ast.DurationLit:
		return x.Text
	case *ast.CIDRLit:
		return x.Text
	case *ast.NullLit:
		return "null"
	case *ast.NowLit:
		return "now"
	case *ast.ListLit:
		elems := make([]string, 0, len(x.Elems)+1)
		for _, e := range x.Elems {
			elems = append(elems, exprPrec(e, precAdd))
		}
		if x.Ellipsis {
			elems = append(elems, "...")
		}
		return "[" + strings.Join(elems, ", ") + "]"
	case *ast.ParenExpr:
		return "(" + expr(x.X) + ")"
	case *ast.NotExpr:
		return "not " + exprPrec(x.X, precNot)
	case *ast.BinaryExpr:
		p := prec(x)
		// Comparisons do not chain without ChainExpr, and the arithmetic
		// operators are left-associative: the right operand binds tighter.
		left, right := p, p+1
		if p == precCmp {
			left = p + 1
		}
		return exprPrec(x.X, left) + " " + x.Op.String() + " " + exprPrec(x.Y, right)
	case *ast.ChainExpr:
		var b strings.Builder
		b.WriteString(exprPrec(x.Operands[0], precAdd))
		for i, op := range x.Ops {
			b.WriteString(" " + op.String() + " " + exprPrec(x.Operands[i+1], precAdd))
		}
		return b.String()
	case *ast.MatchExpr:
		return exprPrec(x.X, precAdd) + " match " + exprPrec(x.Pattern, precAdd)
	case *ast.ContainsExpr:
		kw := " contains "
		if x.Not {
			kw = " does not contain "
		}
		return exprPrec(x.X, precAdd) + kw + exprPrec(x.Value, precAdd)
	case *ast.InExpr:
		kw := " in "
		if x.Not {
			kw = " not in "
		}
		return exprPrec(x.X, precAdd) + kw + exprPrec(x.List, precAdd)
	case *ast.ExistsExpr:
		return exprPrec(x.X, precAdd) + " exists"
	case *ast.CallExpr:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = Expr(a)
		}
		return x.Fun.Name + "(" + strings.Join(args, ", ") + ")"
	}
	return ""
}

func field(f *ast.FieldRef) string {
	s := strings.Join(f.Parts, ".")
	if f.Bracketed {
		return "[" + s + "]"
	}
	return s
}
