// Package ast is the syntax tree of CAR's pseudocode language, the tree
// every query backend and the native engine work from. Like go/ast it holds
// syntax only: names are not yet resolved to datasets or data model fields
// (package check does that), and every node knows where it came from, as a
// position in the analytic's file, not in the code block.
package ast

import (
	"strings"
	"time"

	"github.com/cartrans/cartrans/diag"
)

// Pos is a position in the analytic's file.
type Pos = diag.Pos

// Node is any node of the tree. Like go/ast's, every node spans
// [Pos(), End()): End is just past its last byte, on the line of that
// byte, so a diagnostic about a node can underline all of it. A node the
// parser repaired by adding a closing token ends where the text ends.
type Node interface {
	// Pos is where the node's first token begins.
	Pos() Pos
	// End is just past the node's last token.
	End() Pos
}

// Program is one pseudocode implementation.
type Program struct {
	Stmts []Stmt
}

// Pos is where the first statement begins; the zero Pos when there is none.
func (p *Program) Pos() Pos {
	if len(p.Stmts) == 0 {
		return Pos{}
	}
	return p.Stmts[0].Pos()
}

// End is where the last statement ends; the zero Pos when there is none.
func (p *Program) End() Pos {
	if len(p.Stmts) == 0 {
		return Pos{}
	}
	return p.Stmts[len(p.Stmts)-1].End()
}

// Stmt is a statement: one line of the program, or several joined by open
// parentheses or a trailing operator.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Query is what a dataset assignment computes: a search, a filter, a join,
// a grouping, a selection, a count or another analytic's output.
type Query interface {
	Node
	queryNode()
}

// ---- statements

// AssignStmt binds a name: "x = search …", "x = [1, 2]", "x = a - b",
// "x = max(y.time)". Exactly one of Query and Value is set.
type AssignStmt struct {
	Name  *Ident
	Query Query
	Value Expr
}

// FieldAssignStmt derives a field of a dataset: "x.field = expr".
type FieldAssignStmt struct {
	Target *FieldRef // its first part names the dataset
	Value  Expr
}

// OutputStmt names the results: "output a, b", "output (a, b)", "return a".
type OutputStmt struct {
	At     Pos
	Return bool // written "return"
	Names  []*Ident
	EndAt  Pos // past the last name, or the closing parenthesis
}

// InputStmt declares a parameter: "input name".
type InputStmt struct {
	At   Pos
	Name *Ident
}

// ExprStmt is a block that is one boolean expression with no statement: a
// filter over all events (CAR's log-based analytics).
type ExprStmt struct {
	X Expr
}

// BadStmt stands for a statement that did not parse. It keeps the name it
// assigned, if it got that far, and the names it mentions, so that the
// checker neither reports them undefined and unused nor piles errors on
// the one the parser reported.
type BadStmt struct {
	At      Pos
	Name    *Ident // nil when the statement assigned nothing
	Keyword string // its first word, lower-cased ("output")
	Refs    []string
	EndAt   Pos // past the statement's last token
}

func (s *BadStmt) Pos() Pos         { return s.At }
func (*BadStmt) stmtNode()          {}
func (s *AssignStmt) Pos() Pos      { return s.Name.At }
func (s *FieldAssignStmt) Pos() Pos { return s.Target.At }
func (s *OutputStmt) Pos() Pos      { return s.At }
func (s *InputStmt) Pos() Pos       { return s.At }
func (s *ExprStmt) Pos() Pos        { return s.X.Pos() }

func (*AssignStmt) stmtNode()      {}
func (*FieldAssignStmt) stmtNode() {}
func (*OutputStmt) stmtNode()      {}
func (*InputStmt) stmtNode()       {}
func (*ExprStmt) stmtNode()        {}

func (s *BadStmt) End() Pos { return s.EndAt }
func (s *AssignStmt) End() Pos {
	if s.Query != nil {
		return s.Query.End()
	}
	return s.Value.End()
}
func (s *FieldAssignStmt) End() Pos { return s.Value.End() }
func (s *OutputStmt) End() Pos      { return s.EndAt }
func (s *InputStmt) End() Pos       { return s.Name.End() }
func (s *ExprStmt) End() Pos        { return s.X.End() }

// ---- queries

// Source is one object and action of a search: "Process:Create". Action is
// "*" for every action (written "Process:*" or just "Process").
type Source struct {
	At     Pos
	Object string // as written
	Action string // as written; "*" for all
	// EndAt is past the source's word: "Process:Create", or "b" of
	// "Process:a,b", whose Object is the one before.
	EndAt Pos
}

// SearchQuery selects the events of data model objects and actions,
// optionally filtered: "search Process:Create where …".
type SearchQuery struct {
	At      Pos
	Sources []Source
	Where   Expr // nil without a where clause
	EndAt   Pos  // past the condition, the last source or its ')'
}

// FilterQuery keeps the events of a dataset that satisfy a condition.
// Source is nil when the filter names none ("filter (expr)"): it then
// filters the dataset defined just before.
type FilterQuery struct {
	At     Pos
	Source *Ident
	Where  Expr
	EndAt  Pos // past the condition or the ')' of "(where …)"
}

// JoinQuery pairs the events of two datasets that satisfy a condition
// naming fields as "a.field".
type JoinQuery struct {
	At          Pos
	Left, Right *Ident
	Where       Expr
}

// GroupQuery groups the events of datasets by fields.
type GroupQuery struct {
	At      Pos
	Sources []*Ident
	By      []*FieldRef
	Where   Expr // nil without a where clause
}

// SelectItem is one column of a selection: a field or an aggregate, and
// the name it is given ("count(user) as n").
type SelectItem struct {
	X  Expr
	As *Ident // nil when not renamed
}

// SelectQuery projects or aggregates a dataset: "from a select f, count(g) as n".
type SelectQuery struct {
	At     Pos
	Source *Ident
	Items  []SelectItem
}

// CountQuery counts a dataset's events by fields: "count(a) by f".
type CountQuery struct {
	At     Pos
	Source *Ident
	By     []*FieldRef
}

// RunQuery uses another analytic's output: "run Analytic:CAR-2013-05-003".
type RunQuery struct {
	At       Pos
	Analytic string // the CAR ID
	EndAt    Pos    // past "Analytic:CAR-…"
}

func (q *SearchQuery) Pos() Pos { return q.At }
func (q *FilterQuery) Pos() Pos { return q.At }
func (q *JoinQuery) Pos() Pos   { return q.At }
func (q *GroupQuery) Pos() Pos  { return q.At }
func (q *SelectQuery) Pos() Pos { return q.At }
func (q *CountQuery) Pos() Pos  { return q.At }
func (q *RunQuery) Pos() Pos    { return q.At }

func (s *Source) Pos() Pos { return s.At }
func (s *Source) End() Pos { return s.EndAt }

func (it *SelectItem) Pos() Pos { return it.X.Pos() }
func (it *SelectItem) End() Pos {
	if it.As != nil {
		return it.As.End()
	}
	return it.X.End()
}

func (q *SearchQuery) End() Pos { return q.EndAt }
func (q *FilterQuery) End() Pos { return q.EndAt }
func (q *JoinQuery) End() Pos   { return q.Where.End() }
func (q *GroupQuery) End() Pos {
	if q.Where != nil {
		return q.Where.End()
	}
	return q.By[len(q.By)-1].End()
}
func (q *SelectQuery) End() Pos { return q.Items[len(q.Items)-1].End() }
func (q *CountQuery) End() Pos  { return q.By[len(q.By)-1].End() }
func (q *RunQuery) End() Pos    { return q.EndAt }

func (*SearchQuery) queryNode() {}
func (*FilterQuery) queryNode() {}
func (*JoinQuery) queryNode()   {}
func (*GroupQuery) queryNode()  {}
func (*SelectQuery) queryNode() {}
func (*CountQuery) queryNode()  {}
func (*RunQuery) queryNode()    {}

// ---- expressions

// Ident is a name in statement position: a dataset, a parameter, a select
// alias, a function. Names inside expressions are FieldRefs, since only
// the checker knows whether "office" is a field or a list constant.
type Ident struct {
	At   Pos
	Name string
}

// FieldRef names a field: "exe", "proto_info.pipe", "a.pid" (a field of
// dataset a in a join), "[event_code]" (Bracketed).
type FieldRef struct {
	At        Pos
	Parts     []string
	Bracketed bool
	EndAt     Pos // past the name, or the ']' of a bracketed one
}

// StringLit is a quoted string or an unquoted value read as one
// ("exe=svchost.exe"). Value has the escapes resolved: `\"` is a quote,
// `\\` one backslash, and every other backslash is itself.
type StringLit struct {
	At    Pos
	Value string
	Quote Quote
	// EndAt is past the closing quote as written (which may be a smart
	// quote of several bytes), or past the text of an unquoted value.
	EndAt Pos
}

// Quote is how a string was written.
type Quote int

const (
	DoubleQuote Quote = iota
	SingleQuote
	SmartQuote
	Unquoted
)

// NumberLit is an integer or decimal number.
type NumberLit struct {
	At    Pos
	Text  string
	Value float64
	EndAt Pos
}

// DurationLit is a span of time: "1 hour", "2 seconds", "1sec".
type DurationLit struct {
	At    Pos
	Text  string // as written, for the printer: "1 hour"
	Value time.Duration
	EndAt Pos
}

// CIDRLit is an address block: "10.0.0.0/8".
type CIDRLit struct {
	At    Pos
	Text  string
	EndAt Pos
}

// ListLit is a list of values: "[1, 2]", "(…)" after IN.
type ListLit struct {
	At    Pos
	Elems []Expr
	// Open is true for a list written with "..." at its end: CAR uses it
	// for "and others", which the checker reports.
	Ellipsis bool
	EndAt    Pos // past the closing bracket or parenthesis
}

// NullLit is "null".
type NullLit struct{ At Pos }

// NowLit is "now", the time the analytic runs.
type NowLit struct{ At Pos }

// Op is a binary operator.
type Op int

const (
	OpAnd Op = iota
	OpOr
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
	OpMul
)

var opText = [...]string{"and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*"}

func (o Op) String() string { return opText[o] }

// IsComparison reports whether the operator compares its operands.
func (o Op) IsComparison() bool { return o >= OpEq && o <= OpGe }

// BinaryExpr is "x op y".
type BinaryExpr struct {
	X  Expr
	Op Op
	Y  Expr
}

// ChainExpr is a chained comparison, "a < b < c", meaning "a < b and b < c".
// Joins bound time with it: "a.time < b.time < a.time + 2 seconds".
type ChainExpr struct {
	Operands []Expr
	Ops      []Op // len(Ops) == len(Operands)-1
}

// NotExpr is "not x".
type NotExpr struct {
	At Pos
	X  Expr
}

// ParenExpr is "(x)", kept so that the printer can keep grouping.
type ParenExpr struct {
	At    Pos
	X     Expr
	EndAt Pos // past the closing parenthesis
}

// MatchExpr is a regular-expression test: "x match "re"", "x.matches("re")".
type MatchExpr struct {
	X       Expr
	Pattern Expr
	EndAt   Pos // past the pattern, or the ')' of "x.matches(…)"
}

// ContainsExpr is a substring test: "x contains "s"", "x CONTAINS("s")";
// with a list, any of its values ("x includes one of [..]"). Not is set
// for "does not contain".
type ContainsExpr struct {
	X     Expr
	Value Expr
	Not   bool
}

// InExpr is a membership test: "x in [..]", "x IN (..)", "x not in list".
type InExpr struct {
	X    Expr
	List Expr // a ListLit, or a FieldRef naming a list constant
	Not  bool
}

// ExistsExpr is "x exists".
type ExistsExpr struct {
	X     Expr
	EndAt Pos // past "exists"
}

// CallExpr is a function call: "max(a.time)", "TOP30(user)".
type CallExpr struct {
	Fun   *Ident
	Args  []Expr
	EndAt Pos // past the closing parenthesis
}

func (x *Ident) Pos() Pos        { return x.At }
func (x *FieldRef) Pos() Pos     { return x.At }
func (x *StringLit) Pos() Pos    { return x.At }
func (x *NumberLit) Pos() Pos    { return x.At }
func (x *DurationLit) Pos() Pos  { return x.At }
func (x *CIDRLit) Pos() Pos      { return x.At }
func (x *ListLit) Pos() Pos      { return x.At }
func (x *NullLit) Pos() Pos      { return x.At }
func (x *NowLit) Pos() Pos       { return x.At }
func (x *BinaryExpr) Pos() Pos   { return x.X.Pos() }
func (x *ChainExpr) Pos() Pos    { return x.Operands[0].Pos() }
func (x *NotExpr) Pos() Pos      { return x.At }
func (x *ParenExpr) Pos() Pos    { return x.At }
func (x *MatchExpr) Pos() Pos    { return x.X.Pos() }
func (x *ContainsExpr) Pos() Pos { return x.X.Pos() }
func (x *InExpr) Pos() Pos       { return x.X.Pos() }
func (x *ExistsExpr) Pos() Pos   { return x.X.Pos() }
func (x *CallExpr) Pos() Pos     { return x.Fun.At }

// after is the position n bytes after p, on its line: the end of a token
// whose text is known exactly.
func after(p Pos, n int) Pos {
	p.Col += n
	return p
}

// An Ident's name is its token's text, so its end follows from it.
func (x *Ident) End() Pos        { return after(x.At, len(x.Name)) }
func (x *FieldRef) End() Pos     { return x.EndAt }
func (x *StringLit) End() Pos    { return x.EndAt }
func (x *NumberLit) End() Pos    { return x.EndAt }
func (x *DurationLit) End() Pos  { return x.EndAt }
func (x *CIDRLit) End() Pos      { return x.EndAt }
func (x *ListLit) End() Pos      { return x.EndAt }
func (x *NullLit) End() Pos      { return after(x.At, len("null")) }
func (x *NowLit) End() Pos       { return after(x.At, len("now")) }
func (x *BinaryExpr) End() Pos   { return x.Y.End() }
func (x *ChainExpr) End() Pos    { return x.Operands[len(x.Operands)-1].End() }
func (x *NotExpr) End() Pos      { return x.X.End() }
func (x *ParenExpr) End() Pos    { return x.EndAt }
func (x *MatchExpr) End() Pos    { return x.EndAt }
func (x *ContainsExpr) End() Pos { return x.Value.End() }
func (x *InExpr) End() Pos       { return x.List.End() }
func (x *ExistsExpr) End() Pos   { return x.EndAt }
func (x *CallExpr) End() Pos     { return x.EndAt }

func (*FieldRef) exprNode()     {}
func (*StringLit) exprNode()    {}
func (*NumberLit) exprNode()    {}
func (*DurationLit) exprNode()  {}
func (*CIDRLit) exprNode()      {}
func (*ListLit) exprNode()      {}
func (*NullLit) exprNode()      {}
func (*NowLit) exprNode()       {}
func (*BinaryExpr) exprNode()   {}
func (*ChainExpr) exprNode()    {}
func (*NotExpr) exprNode()      {}
func (*ParenExpr) exprNode()    {}
func (*MatchExpr) exprNode()    {}
func (*ContainsExpr) exprNode() {}
func (*InExpr) exprNode()       {}
func (*ExistsExpr) exprNode()   {}
func (*CallExpr) exprNode()     {}

// QuoteString writes s as a double-quoted string literal of the language:
// a quote is \" and a backslash is written as itself, except where it
// would be read as an escape (before a quote, another backslash, or the
// closing quote), where it is doubled. So C:\Windows\* prints as
// "C:\Windows\*", the way analysts write it.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\' && (i+1 == len(s) || s[i+1] == '\\' || s[i+1] == '"'):
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
