package ast

import "fmt"

// A Visitor's Visit method is called for each node Walk meets. If the
// visitor w it returns is not nil, Walk visits each of the node's children
// with w, then calls w.Visit(nil). It is go/ast's Visitor.
type Visitor interface {
	Visit(node Node) (w Visitor)
}

// Walk traverses the tree rooted at node depth-first, in source order:
// it calls v.Visit(node), and, unless that returns nil, walks each child
// of the node with the visitor returned, then calls that visitor's
// Visit(nil). Optional children that are absent (a search without a where
// clause) are skipped. A Source or a SelectItem is visited as a *Source or
// a *SelectItem pointing into its query's slice.
//
// The parser builds a chain of one operator ("a or b or c …") as a
// left-deep tree as deep as the chain is long, so Walk follows the left
// spine of binary expressions in a loop, not a recursion that deep.
func Walk(v Visitor, node Node) {
	if x, ok := node.(*BinaryExpr); ok {
		walkBinary(v, x)
		return
	}
	if v = v.Visit(node); v == nil {
		return
	}
	switch n := node.(type) {
	case *Program:
		for _, s := range n.Stmts {
			Walk(v, s)
		}

	// statements
	case *AssignStmt:
		Walk(v, n.Name)
		if n.Query != nil {
			Walk(v, n.Query)
		}
		if n.Value != nil {
			Walk(v, n.Value)
		}
	case *FieldAssignStmt:
		Walk(v, n.Target)
		Walk(v, n.Value)
	case *OutputStmt:
		for _, id := range n.Names {
			Walk(v, id)
		}
	case *InputStmt:
		Walk(v, n.Name)
	case *ExprStmt:
		Walk(v, n.X)
	case *BadStmt:
		if n.Name != nil {
			Walk(v, n.Name)
		}

	// queries
	case *SearchQuery:
		for i := range n.Sources {
			Walk(v, &n.Sources[i])
		}
		walkOpt(v, n.Where)
	case *FilterQuery:
		if n.Source != nil {
			Walk(v, n.Source)
		}
		Walk(v, n.Where)
	case *JoinQuery:
		Walk(v, n.Left)
		Walk(v, n.Right)
		Walk(v, n.Where)
	case *GroupQuery:
		for _, id := range n.Sources {
			Walk(v, id)
		}
		for _, f := range n.By {
			Walk(v, f)
		}
		walkOpt(v, n.Where)
	case *SelectQuery:
		Walk(v, n.Source)
		for i := range n.Items {
			Walk(v, &n.Items[i])
		}
	case *SelectItem:
		Walk(v, n.X)
		if n.As != nil {
			Walk(v, n.As)
		}
	case *CountQuery:
		Walk(v, n.Source)
		for _, f := range n.By {
			Walk(v, f)
		}

	// expressions
	case *ListLit:
		for _, e := range n.Elems {
			Walk(v, e)
		}
	case *ChainExpr:
		for _, o := range n.Operands {
			Walk(v, o)
		}
	case *NotExpr:
		Walk(v, n.X)
	case *ParenExpr:
		Walk(v, n.X)
	case *MatchExpr:
		Walk(v, n.X)
		Walk(v, n.Pattern)
	case *ContainsExpr:
		Walk(v, n.X)
		Walk(v, n.Value)
	case *InExpr:
		Walk(v, n.X)
		Walk(v, n.List)
	case *ExistsExpr:
		Walk(v, n.X)
	case *CallExpr:
		Walk(v, n.Fun)
		for _, a := range n.Args {
			Walk(v, a)
		}

	// leaves
	case *Source, *RunQuery, *Ident, *FieldRef, *StringLit, *NumberLit, *DurationLit,
		*CIDRLit, *NullLit, *NowLit:
	default:
		// Only a node type added to the package without a case here.
		panic(fmt.Sprintf("ast.Walk: unexpected node type %T", n))
	}
	v.Visit(nil)
}

func walkOpt(v Visitor, x Expr) {
	if x != nil {
		Walk(v, x)
	}
}

// walkBinary walks x as Walk would, keeping the left spine's visitors on
// a stack of its own.
func walkBinary(v Visitor, x *BinaryExpr) {
	type frame struct {
		b *BinaryExpr
		w Visitor
	}
	var spine []frame
	var n Expr = x
	for {
		b, ok := n.(*BinaryExpr)
		if !ok {
			Walk(v, n)
			break
		}
		w := v.Visit(b)
		if w == nil {
			break
		}
		spine = append(spine, frame{b, w})
		v, n = w, b.X
	}
	for i := len(spine) - 1; i >= 0; i-- {
		Walk(spine[i].w, spine[i].b.Y)
		spine[i].w.Visit(nil)
	}
}

type inspector func(Node) bool

func (f inspector) Visit(node Node) Visitor {
	if f(node) {
		return f
	}
	return nil
}

// Inspect traverses the tree rooted at node in source order, calling
// f(node) for each node, and f(nil) after a node's children when f
// returned true for it; children are skipped when it returns false. It is
// go/ast's Inspect.
func Inspect(node Node, f func(Node) bool) {
	Walk(inspector(f), node)
}
