// Package pseudo parses CAR pseudocode into the syntax tree of package ast.
// It is a recursive-descent parser over the statements package lexer
// splits. Where the author's intent is certain it repairs and warns (each
// repair has a code and shows the fix); where it is not, it reports an
// error, skips to the end of the statement and goes on, so that one broken
// line never hides the diagnostics of the others.
package pseudo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser/lexer"
)

// Diagnostic codes of the parser; docs/pseudocode.md explains each.
const (
	CodeSyntax        = "E110" // a token where another was expected
	CodeTooDeep       = "E111" // nesting deeper than MaxDepth
	CodeAssignEq      = "W120" // "=" used to compare, read as "=="
	CodeSearchAnd     = "W121" // "and" between a search's sources, read as a union
	CodeUnquoted      = "W122" // an unquoted value, read as a string
	CodeMissingComma  = "W123" // a comma missing between select items, added
	CodeBareCondition = "E125" // a bare condition that is not the whole block
)

// MaxDepth bounds the nesting of parentheses, brackets and "not": deeper
// input is refused rather than risking the stack.
const MaxDepth = 500

// Base places a block in its file (see lexer.Base).
type Base = lexer.Base

// Parse parses one pseudocode block. It always returns a program holding
// every statement it could read; the diagnostics say what it could not.
func Parse(src string, base Base) (*ast.Program, diag.List) {
	var diags diag.List
	ts := lexer.Lex(src, base, &diags)
	lexer.Split(ts, &diags)
	p := &parser{ts: ts, diags: &diags}
	prog := p.program()
	checkBareCondition(prog, &diags)
	if p.assignEq > 1 {
		for i := range diags {
			if diags[i].Code == CodeAssignEq {
				diags[i].Message += fmt.Sprintf(" (and %d more in this block)", p.assignEq-1)
				break
			}
		}
	}
	diags.Sort()
	return prog, diags
}

// checkBareCondition reports a bare condition that is not the whole
// program: two of them (an "and" or "or" missing between lines), or one
// beside statements.
func checkBareCondition(prog *ast.Program, diags *diag.List) {
	if len(prog.Stmts) < 2 {
		return
	}
	bare := func(i int) bool {
		if i < 0 || i >= len(prog.Stmts) {
			return false
		}
		_, ok := prog.Stmts[i].(*ast.ExprStmt)
		return ok
	}
	for i, s := range prog.Stmts {
		switch {
		case !bare(i):
		case bare(i - 1):
			*diags = append(*diags, diag.Diagnostic{Pos: s.Pos(), End: s.End(), Severity: diag.Error, Code: CodeBareCondition,
				Message:    "two conditions with nothing between them",
				Suggestion: fmt.Sprintf("join them with \"and\" or \"or\" at the end of line %d", s.Pos().Line-1)})
		case !bare(i + 1):
			*diags = append(*diags, diag.Diagnostic{Pos: s.Pos(), End: s.End(), Severity: diag.Error, Code: CodeBareCondition,
				Message:    "a condition standing alone must be the whole block",
				Suggestion: "filter a dataset with it: x = filter y where …"})
		}
	}
}

type parser struct {
	ts    *lexer.Tokens
	i     int
	diags *diag.List
	depth int
	// assignEq counts "=" read as "==": CAR writes whole blocks that way,
	// so the block gets one warning, not one per comparison.
	assignEq int
	// names are the names assigned so far: "b.exe" is the field exe of a
	// dataset b, not the file name it would otherwise look like.
	names map[string]bool
}

// bailout unwinds a statement after a syntax error.
type bailout struct{}

func (p *parser) tok() lexer.Token { return p.ts.List[p.i] }

func (p *parser) text(t lexer.Token) string { return p.ts.Text(t) }

func (p *parser) pos(t lexer.Token) diag.Pos { return p.ts.Pos(t) }

// end is the position just past a token: tokens never span lines, so it
// is on the token's line, its length further. A token the splitter added
// as a repair has no length: it ends where it begins, at the end of the
// text before it.
func (p *parser) end(t lexer.Token) diag.Pos {
	pos := p.ts.Pos(t)
	pos.Col += int(t.End - t.Off)
	return pos
}

// lastEnd is the end of the last token read: a node built from the
// tokens read so far ends there.
func (p *parser) lastEnd() diag.Pos { return p.end(p.ts.List[p.i-1]) }

func (p *parser) peek(n int) lexer.Token {
	if p.i+n < len(p.ts.List) {
		return p.ts.List[p.i+n]
	}
	return p.ts.List[len(p.ts.List)-1]
}

func (p *parser) next() lexer.Token {
	t := p.ts.List[p.i]
	if t.Kind != lexer.EOF {
		p.i++
	}
	return t
}

// word reports whether the current token is the word w (any case).
func (p *parser) word(w string) bool { return p.isWord(p.tok(), w) }

func (p *parser) isWord(t lexer.Token, w string) bool {
	return t.Kind == lexer.Word && strings.EqualFold(p.text(t), w)
}

// report reports a diagnostic about the token t, which it spans.
func (p *parser) report(t lexer.Token, sev diag.Severity, code, suggestion, format string, args ...any) {
	*p.diags = append(*p.diags, diag.Diagnostic{Pos: p.pos(t), End: p.end(t), Severity: sev, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// fail reports a syntax error at the current token and abandons the
// statement.
func (p *parser) fail(format string, args ...any) {
	p.failAt(p.tok(), format, args...)
}

func (p *parser) failAt(t lexer.Token, format string, args ...any) {
	p.report(t, diag.Error, CodeSyntax, "", format+", found %s", append(args, p.describe(t))...)
	panic(bailout{})
}

func (p *parser) describe(t lexer.Token) string {
	switch t.Kind {
	case lexer.Word:
		return strconv.Quote(p.text(t))
	case lexer.String:
		return "string " + p.text(t)
	}
	return t.Kind.String()
}

func (p *parser) expect(k lexer.Kind, what string) lexer.Token {
	if p.tok().Kind != k {
		p.fail("expected %s", what)
	}
	return p.next()
}

func (p *parser) expectWord(w string) lexer.Token {
	if !p.word(w) {
		p.fail("expected %q", w)
	}
	return p.next()
}

func (p *parser) program() *ast.Program {
	prog := &ast.Program{}
	for p.tok().Kind != lexer.EOF {
		if p.tok().Kind == lexer.Newline {
			p.next()
			continue
		}
		if s := p.statement(); s != nil {
			prog.Stmts = append(prog.Stmts, s)
		}
	}
	return prog
}

// statement parses one statement and the newline ending it; after an error
// it skips to the end of the statement.
func (p *parser) statement() (s ast.Stmt) {
	start := p.i
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			bad := &ast.BadStmt{At: p.pos(p.ts.List[start])}
			if t := p.ts.List[start]; t.Kind == lexer.Word {
				bad.Keyword = strings.ToLower(p.text(t))
			}
			if t := p.ts.List[start]; t.Kind == lexer.Word && isName(p.text(t)) && start+1 < len(p.ts.List) && p.ts.List[start+1].Kind == lexer.Assign {
				bad.Name = &ast.Ident{At: p.pos(t), Name: p.text(t)}
			}
			if p.i == start {
				p.next()
			}
			for p.tok().Kind != lexer.Newline && p.tok().Kind != lexer.EOF {
				p.next()
			}
			for _, t := range p.ts.List[start:p.i] {
				if t.Kind == lexer.Word && isFieldPath(p.text(t)) {
					bad.Refs = append(bad.Refs, strings.Split(p.text(t), ".")[0])
				}
			}
			bad.EndAt = bad.At
			if p.i > start {
				bad.EndAt = p.lastEnd()
			}
			s = bad
		}
	}()
	p.depth = 0
	s = p.stmt()
	if k := p.tok().Kind; k != lexer.Newline && k != lexer.EOF {
		p.fail("expected the end of the statement (an operator missing?)")
	}
	return s
}

func (p *parser) stmt() ast.Stmt {
	t := p.tok()
	if t.Kind == lexer.Word {
		switch strings.ToLower(p.text(t)) {
		case "output", "return":
			if k := p.peek(1).Kind; k == lexer.Word || k == lexer.LParen {
				return p.output()
			}
		case "input":
			if p.peek(1).Kind == lexer.Word {
				p.next()
				return &ast.InputStmt{At: p.pos(t), Name: p.ident("a parameter name")}
			}
		}
		if p.peek(1).Kind == lexer.Assign {
			if strings.Contains(p.text(t), ".") {
				target := p.fieldRef(p.next())
				p.next()
				return &ast.FieldAssignStmt{Target: target, Value: p.expr()}
			}
			if isName(p.text(t)) {
				if p.names == nil {
					p.names = map[string]bool{}
				}
				p.names[p.text(t)] = true
				start, ndiags, eqs := p.i, len(*p.diags), p.assignEq
				name := p.ident("a name")
				p.next()
				s := p.assignment(name)
				// "event_code = 4624 and logon_type = 3" is a condition
				// written with "=": the language has no boolean values to
				// assign, so read it again as one.
				if a, ok := s.(*ast.AssignStmt); ok && a.Value != nil && isCondition(a.Value) {
					p.i, *p.diags, p.assignEq = start, (*p.diags)[:ndiags], eqs
					return &ast.ExprStmt{X: p.expr()}
				}
				return s
			}
		}
	}
	return &ast.ExprStmt{X: p.expr()}
}

// isCondition reports an expression that can only be true or false.
func isCondition(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.BinaryExpr:
		return x.Op == ast.OpAnd || x.Op == ast.OpOr || x.Op.IsComparison()
	case *ast.ParenExpr:
		return isCondition(x.X)
	case *ast.NotExpr, *ast.ChainExpr, *ast.MatchExpr, *ast.ContainsExpr, *ast.InExpr, *ast.ExistsExpr:
		return true
	}
	return false
}

func (p *parser) output() *ast.OutputStmt {
	t := p.next()
	s := &ast.OutputStmt{At: p.pos(t), Return: strings.EqualFold(p.text(t), "return")}
	paren := p.tok().Kind == lexer.LParen
	if paren {
		p.next()
	}
	for {
		s.Names = append(s.Names, p.ident("a dataset name"))
		if p.tok().Kind != lexer.Comma {
			break
		}
		p.next()
	}
	if paren {
		p.expect(lexer.RParen, "')'")
	}
	s.EndAt = p.lastEnd()
	return s
}

// ident reads a plain name.
func (p *parser) ident(what string) *ast.Ident {
	t := p.tok()
	if t.Kind != lexer.Word || !isName(p.text(t)) || isKeyword(p.text(t)) {
		p.fail("expected %s", what)
	}
	p.next()
	return &ast.Ident{At: p.pos(t), Name: p.text(t)}
}

// keywords cannot be names where a name is expected.
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "where": true, "search": true, "filter": true,
	"join": true, "group": true, "by": true, "select": true, "as": true, "output": true,
	"return": true, "input": true, "in": true, "run": true,
}

func isKeyword(s string) bool { return keywords[strings.ToLower(s)] }

// assignment parses what follows "name =".
func (p *parser) assignment(name *ast.Ident) ast.Stmt {
	t := p.tok()
	if t.Kind == lexer.Word {
		switch strings.ToLower(p.text(t)) {
		case "search":
			return &ast.AssignStmt{Name: name, Query: p.search()}
		case "filter":
			return &ast.AssignStmt{Name: name, Query: p.filter()}
		case "join":
			return &ast.AssignStmt{Name: name, Query: p.join()}
		case "group":
			return &ast.AssignStmt{Name: name, Query: p.group()}
		case "from":
			if p.peek(1).Kind == lexer.Word && p.isWord(p.peek(2), "select") {
				return &ast.AssignStmt{Name: name, Query: p.selectQuery()}
			}
		case "run":
			return &ast.AssignStmt{Name: name, Query: p.run()}
		case "count":
			if p.peek(1).Kind == lexer.LParen && p.peek(2).Kind == lexer.Word &&
				p.peek(3).Kind == lexer.RParen && p.isWord(p.peek(4), "by") {
				return &ast.AssignStmt{Name: name, Query: p.count()}
			}
		}
	}
	return &ast.AssignStmt{Name: name, Value: p.expr()}
}

// search parses "search Object:action[, action] [or Object:action] [where expr]".
func (p *parser) search() *ast.SearchQuery {
	q := &ast.SearchQuery{At: p.pos(p.next())}
	paren := p.tok().Kind == lexer.LParen
	if paren {
		p.next()
	}
	q.Sources = append(q.Sources, p.sources()...)
	for {
		switch {
		case p.tok().Kind == lexer.Comma && p.peek(1).Kind == lexer.Word:
			// Object:a,b: the actions after the comma are the same object's.
			p.next()
			t := p.next()
			obj, act, hasObj := strings.Cut(p.text(t), ":")
			if !hasObj {
				obj, act = q.Sources[len(q.Sources)-1].Object, p.text(t)
			}
			q.Sources = append(q.Sources, ast.Source{At: p.pos(t), Object: obj, Action: orAll(act), EndAt: p.end(t)})
			continue
		case p.word("or") || p.tok().Kind == lexer.OrOr:
			p.next()
			q.Sources = append(q.Sources, p.sources()...)
			continue
		case p.word("and") || p.tok().Kind == lexer.AndAnd:
			// "(Registry:Create AND Registry:Remove)": no event is both, so
			// the author meant every event of either.
			t := p.next()
			p.report(t, diag.Warning, CodeSearchAnd, "write "+strconv.Quote("or"), "%q between search sources read as \"or\": the search is the union of them", p.text(t))
			q.Sources = append(q.Sources, p.sources()...)
			continue
		}
		break
	}
	if paren {
		p.expect(lexer.RParen, "')' after the search sources")
	}
	if p.word("where") {
		p.next()
		q.Where = p.expr()
	}
	q.EndAt = p.lastEnd()
	return q
}

func (p *parser) sources() []ast.Source {
	t := p.tok()
	if t.Kind != lexer.Word || isKeyword(p.text(t)) {
		p.fail("expected a data model object such as Process:Create")
	}
	p.next()
	obj, act, _ := strings.Cut(p.text(t), ":")
	return []ast.Source{{At: p.pos(t), Object: obj, Action: orAll(act), EndAt: p.end(t)}}
}

func orAll(action string) string {
	if action == "" {
		return "*"
	}
	return action
}

// filter parses "filter x where e", "filter x (where e)", "filter (e)" and
// "filter e"; without a source the filter applies to the dataset before.
func (p *parser) filter() *ast.FilterQuery {
	q := &ast.FilterQuery{At: p.pos(p.next())}
	t := p.tok()
	if t.Kind == lexer.Word && isName(p.text(t)) && !isKeyword(p.text(t)) {
		switch {
		case p.isWord(p.peek(1), "where"):
			q.Source = p.ident("a dataset")
			p.next()
			q.Where = p.expr()
			q.EndAt = p.lastEnd()
			return q
		case p.peek(1).Kind == lexer.LParen && p.isWord(p.peek(2), "where"):
			q.Source = p.ident("a dataset")
			p.next()
			p.next()
			q.Where = p.expr()
			p.expect(lexer.RParen, "')' closing \"(where …\"")
			q.EndAt = p.lastEnd()
			return q
		case p.peek(1).Kind == lexer.Newline || p.peek(1).Kind == lexer.EOF:
			p.next()
			p.fail("expected \"where\" and a condition after the dataset")
		}
	}
	if p.tok().Kind == lexer.LParen && p.isWord(p.peek(1), "where") {
		p.next()
		p.next()
		q.Where = p.expr()
		p.expect(lexer.RParen, "')' closing \"(where …\"")
		q.EndAt = p.lastEnd()
		return q
	}
	if p.word("where") {
		p.next()
	}
	q.Where = p.expr()
	q.EndAt = p.lastEnd()
	return q
}

// join parses "join (a, b) where e" and "join a, b where e".
func (p *parser) join() *ast.JoinQuery {
	q := &ast.JoinQuery{At: p.pos(p.next())}
	paren := p.tok().Kind == lexer.LParen
	if paren {
		p.next()
	}
	q.Left = p.ident("the first dataset of the join")
	p.expect(lexer.Comma, "',' between the joined datasets")
	q.Right = p.ident("the second dataset of the join")
	if paren {
		p.expect(lexer.RParen, "')' after the joined datasets")
	}
	p.expectWord("where")
	q.Where = p.expr()
	return q
}

// group parses "group a[, b] by f1, f2 [where e]".
func (p *parser) group() *ast.GroupQuery {
	q := &ast.GroupQuery{At: p.pos(p.next())}
	for {
		q.Sources = append(q.Sources, p.ident("a dataset to group"))
		if p.tok().Kind != lexer.Comma {
			break
		}
		p.next()
	}
	p.expectWord("by")
	q.By = p.fieldList()
	if p.word("where") {
		p.next()
		q.Where = p.expr()
	}
	return q
}

func (p *parser) fieldList() []*ast.FieldRef {
	var out []*ast.FieldRef
	for {
		t := p.tok()
		if t.Kind != lexer.Word || !isFieldPath(p.text(t)) || isKeyword(p.text(t)) {
			p.fail("expected a field name")
		}
		out = append(out, p.fieldRef(p.next()))
		if p.tok().Kind != lexer.Comma {
			return out
		}
		p.next()
	}
}

// selectQuery parses "from a select item[, item]" where an item is an
// expression with an optional "as name".
func (p *parser) selectQuery() *ast.SelectQuery {
	q := &ast.SelectQuery{At: p.pos(p.next())}
	q.Source = p.ident("a dataset")
	p.expectWord("select")
	for {
		item := ast.SelectItem{X: p.expr()}
		if p.word("as") {
			p.next()
			item.As = p.ident("a column name")
		}
		q.Items = append(q.Items, item)
		if p.tok().Kind == lexer.Comma {
			p.next()
			continue
		}
		// "max(time) as b count(user) as c": an item right after a
		// renamed one, with no comma: the list is certain.
		if item.As != nil && p.tok().Kind == lexer.Word && p.peek(1).Kind == lexer.LParen {
			p.report(p.tok(), diag.Warning, CodeMissingComma, "write ', ' between the items", "comma missing between select items, added")
			continue
		}
		return q
	}
}

// count parses "count(a) by f1, f2".
func (p *parser) count() *ast.CountQuery {
	q := &ast.CountQuery{At: p.pos(p.next())}
	p.expect(lexer.LParen, "'('")
	q.Source = p.ident("a dataset")
	p.expect(lexer.RParen, "')'")
	p.expectWord("by")
	q.By = p.fieldList()
	return q
}

// run parses "run Analytic:CAR-2013-05-003".
func (p *parser) run() *ast.RunQuery {
	q := &ast.RunQuery{At: p.pos(p.next())}
	t := p.tok()
	kind, id, ok := strings.Cut(p.text(t), ":")
	if t.Kind != lexer.Word || !ok || !strings.EqualFold(kind, "analytic") || !isCARID(id) {
		p.fail("expected Analytic:CAR-YYYY-MM-NNN")
	}
	p.next()
	q.Analytic = id
	q.EndAt = p.lastEnd()
	return q
}

// ---- expressions

func (p *parser) enter() {
	p.depth++
	if p.depth > MaxDepth {
		p.report(p.tok(), diag.Error, CodeTooDeep, "", "expression nested deeper than %d levels", MaxDepth)
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) expr() ast.Expr { return p.or() }

func (p *parser) or() ast.Expr {
	x := p.and()
	for p.word("or") || p.tok().Kind == lexer.OrOr {
		p.next()
		x = &ast.BinaryExpr{X: x, Op: ast.OpOr, Y: p.and()}
	}
	return x
}

func (p *parser) and() ast.Expr {
	x := p.not()
	for p.word("and") || p.tok().Kind == lexer.AndAnd {
		p.next()
		x = &ast.BinaryExpr{X: x, Op: ast.OpAnd, Y: p.not()}
	}
	return x
}

func (p *parser) not() ast.Expr {
	if p.word("not") || p.tok().Kind == lexer.Bang {
		t := p.next()
		p.enter()
		defer p.leave()
		return &ast.NotExpr{At: p.pos(t), X: p.not()}
	}
	return p.comparison()
}

var cmpOps = map[lexer.Kind]ast.Op{
	lexer.Eq: ast.OpEq, lexer.Assign: ast.OpEq, lexer.Ne: ast.OpNe,
	lexer.Lt: ast.OpLt, lexer.Le: ast.OpLe, lexer.Gt: ast.OpGt, lexer.Ge: ast.OpGe,
}

// comparison parses an additive expression and what may follow it: a
// comparison (a chain of them), match, contains, in, exists.
func (p *parser) comparison() ast.Expr {
	x := p.additive()
	switch {
	case p.word("match") || p.word("matches"):
		p.next()
		return &ast.MatchExpr{X: x, Pattern: p.additive(), EndAt: p.lastEnd()}
	case p.word("contains"):
		p.next()
		return &ast.ContainsExpr{X: x, Value: p.additive()}
	case p.word("includes") && p.isWord(p.peek(1), "one") && p.isWord(p.peek(2), "of"):
		p.i += 3
		return &ast.ContainsExpr{X: x, Value: p.additive()}
	case p.word("does") && p.isWord(p.peek(1), "not") && (p.isWord(p.peek(2), "contain") || p.isWord(p.peek(2), "contains")):
		p.i += 3
		return &ast.ContainsExpr{X: x, Value: p.additive(), Not: true}
	case p.word("in"):
		p.next()
		return &ast.InExpr{X: x, List: p.list()}
	case p.word("not") && p.isWord(p.peek(1), "in"):
		p.i += 2
		return &ast.InExpr{X: x, List: p.list(), Not: true}
	case p.word("exists"):
		p.next()
		return &ast.ExistsExpr{X: x, EndAt: p.lastEnd()}
	}
	op, ok := cmpOps[p.tok().Kind]
	if !ok {
		return x
	}
	operands := []ast.Expr{x}
	var ops []ast.Op
	for ok {
		t := p.next()
		if t.Kind == lexer.Assign {
			if p.assignEq == 0 {
				p.report(t, diag.Warning, CodeAssignEq, "write '=='", "'=' compares here: read as '=='")
			}
			p.assignEq++
		}
		ops = append(ops, op)
		operands = append(operands, p.additive())
		op, ok = cmpOps[p.tok().Kind]
	}
	if len(ops) == 1 {
		return &ast.BinaryExpr{X: operands[0], Op: ops[0], Y: operands[1]}
	}
	return &ast.ChainExpr{Operands: operands, Ops: ops}
}

// list parses the right side of "in": a list in brackets or parentheses,
// or a name (a list constant, a parameter, or a call like TOP30(user)).
func (p *parser) list() ast.Expr {
	switch p.tok().Kind {
	case lexer.LParen:
		return p.listLit(lexer.RParen)
	case lexer.LBrack:
		return p.listLit(lexer.RBrack)
	}
	return p.additive()
}

func (p *parser) additive() ast.Expr {
	x := p.multiplicative()
	for {
		var op ast.Op
		switch p.tok().Kind {
		case lexer.Plus:
			op = ast.OpAdd
		case lexer.Minus:
			op = ast.OpSub
		default:
			return x
		}
		p.next()
		x = &ast.BinaryExpr{X: x, Op: op, Y: p.multiplicative()}
	}
}

func (p *parser) multiplicative() ast.Expr {
	x := p.unary()
	for p.tok().Kind == lexer.Star {
		p.next()
		x = &ast.BinaryExpr{X: x, Op: ast.OpMul, Y: p.unary()}
	}
	return x
}

func (p *parser) unary() ast.Expr {
	if p.tok().Kind == lexer.Minus && p.peek(1).Kind == lexer.Word && isNumber(p.text(p.peek(1))) && p.peek(1).Glued {
		t := p.next()
		n := p.primary()
		if num, ok := n.(*ast.NumberLit); ok {
			num.At, num.Text, num.Value = p.pos(t), "-"+num.Text, -num.Value
		}
		return n
	}
	return p.primary()
}

// durationUnits maps the unit words CAR writes to their length.
var durationUnits = map[string]time.Duration{
	"ms": time.Millisecond, "millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

func (p *parser) primary() ast.Expr {
	t := p.tok()
	switch t.Kind {
	case lexer.LParen:
		p.next()
		p.enter()
		defer p.leave()
		x := p.expr()
		p.expect(lexer.RParen, "')'")
		return &ast.ParenExpr{At: p.pos(t), X: x, EndAt: p.lastEnd()}
	case lexer.LBrack:
		// [name] is a field; anything else in brackets is a list.
		if p.peek(1).Kind == lexer.Word && isFieldPath(p.text(p.peek(1))) && p.peek(2).Kind == lexer.RBrack {
			p.next()
			f := p.fieldRef(p.next())
			p.next()
			f.At, f.Bracketed, f.EndAt = p.pos(t), true, p.lastEnd()
			return f
		}
		return p.listLit(lexer.RBrack)
	case lexer.String:
		p.next()
		q := ast.DoubleQuote
		switch t.Quote {
		case lexer.SingleQuote:
			q = ast.SingleQuote
		case lexer.SmartQuote:
			q = ast.SmartQuote
		}
		return &ast.StringLit{At: p.pos(t), Value: p.ts.Value(t), Quote: q, EndAt: p.end(t)}
	case lexer.Star:
		p.next()
		p.report(t, diag.Warning, CodeUnquoted, `write "*"`, "unquoted value * read as the string \"*\"")
		return &ast.StringLit{At: p.pos(t), Value: "*", Quote: ast.Unquoted, EndAt: p.end(t)}
	case lexer.Word:
		return p.wordExpr()
	}
	p.fail("expected a value or a field")
	return nil
}

// wordExpr reads a word in operand position: a number, a duration, an
// address block, null, now, a call, a field, or an unquoted value.
func (p *parser) wordExpr() ast.Expr {
	t := p.next()
	text := lexer.Unpipe(p.text(t))
	lower := strings.ToLower(text)
	switch {
	case isNumber(text):
		if u := p.tok(); u.Kind == lexer.Word {
			if d, ok := durationUnits[strings.ToLower(p.text(u))]; ok {
				p.next()
				n, _ := strconv.ParseFloat(text, 64)
				return &ast.DurationLit{At: p.pos(t), Text: text + " " + p.text(u), Value: time.Duration(n * float64(d)), EndAt: p.end(u)}
			}
		}
		v, _ := strconv.ParseFloat(text, 64)
		return &ast.NumberLit{At: p.pos(t), Text: text, Value: v, EndAt: p.end(t)}
	case isDigit(text[0]) && isGlueDuration(text):
		d, _ := glueDuration(text)
		return &ast.DurationLit{At: p.pos(t), Text: text, Value: d, EndAt: p.end(t)}
	case isCIDR(text):
		return &ast.CIDRLit{At: p.pos(t), Text: text, EndAt: p.end(t)}
	case lower == "null":
		return &ast.NullLit{At: p.pos(t)}
	case lower == "now":
		return &ast.NowLit{At: p.pos(t)}
	case isKeyword(text):
		p.failAt(t, "expected a value or a field")
	}
	if p.tok().Kind == lexer.LParen && p.tok().Glued {
		// A keyword is no field ("where.matches(…)" would print as
		// "where match …", which does not parse).
		if base, ok := strings.CutSuffix(text, ".matches"); ok && isFieldPath(base) && !isKeyword(base) {
			p.next()
			p.enter()
			defer p.leave()
			pattern := p.expr()
			p.expect(lexer.RParen, "')'")
			// The field is the word's text before ".matches".
			x := &ast.FieldRef{At: p.pos(t), Parts: strings.Split(base, "."), EndAt: p.pos(t)}
			x.EndAt.Col += len(base)
			return &ast.MatchExpr{X: x, Pattern: pattern, EndAt: p.lastEnd()}
		}
		if isName(text) {
			return p.call(t)
		}
	}
	if isFieldPath(text) && (!hasFileExt(text) || p.names[strings.Split(text, ".")[0]]) {
		return p.fieldRef(t)
	}
	if text == "..." {
		p.failAt(t, "expected a value (\"...\" is allowed only at the end of a list)")
	}
	p.report(t, diag.Warning, CodeUnquoted, "write "+ast.QuoteString(text), "unquoted value %s read as a string", text)
	return &ast.StringLit{At: p.pos(t), Value: text, Quote: ast.Unquoted, EndAt: p.end(t)}
}

func (p *parser) call(name lexer.Token) ast.Expr {
	c := &ast.CallExpr{Fun: &ast.Ident{At: p.pos(name), Name: p.text(name)}}
	p.next()
	p.enter()
	defer p.leave()
	for p.tok().Kind != lexer.RParen {
		c.Args = append(c.Args, p.expr())
		if p.tok().Kind != lexer.Comma {
			break
		}
		p.next()
	}
	p.expect(lexer.RParen, "')' closing the call")
	c.EndAt = p.lastEnd()
	return c
}

func (p *parser) fieldRef(t lexer.Token) *ast.FieldRef {
	return &ast.FieldRef{At: p.pos(t), Parts: strings.Split(p.text(t), "."), EndAt: p.end(t)}
}

// listLit parses a list up to close; "..." may end it.
func (p *parser) listLit(close lexer.Kind) *ast.ListLit {
	l := &ast.ListLit{At: p.pos(p.next())}
	p.enter()
	defer p.leave()
	for p.tok().Kind != close {
		if p.tok().Kind == lexer.Word && p.text(p.tok()) == "..." {
			p.next()
			l.Ellipsis = true
			break
		}
		l.Elems = append(l.Elems, p.additive())
		if p.tok().Kind != lexer.Comma {
			break
		}
		p.next()
	}
	p.expect(close, close.String()+" closing the list")
	l.EndAt = p.lastEnd()
	return l
}
