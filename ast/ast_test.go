package ast_test

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// crafted are programs that, between them, use every node type and every
// way of writing one, repairs included.
var crafted = []string{
	"p = search Process:Create\noutput p",
	"p = search (Process:Create OR Process:Terminate) where exe == \"cmd.exe\"\nreturn p",
	"f = search File:Create,Modify\ng = search (Registry:add AND Registry:remove)\noutput (f, g)",
	"input h\nb = search Process:Create where (hostname == h)\noutput b",
	"p = search Process:Create\nx = filter p where (comman_line == \"a\" and exe = \"b\"\noutput x",
	"p = search Process:Create\nx = filter p (where exe == 'a.exe')\ny = filter (where parent_exe != “ü.exe”)\nz = filter exe == svchost.exe\noutput x, y, z",
	"p = search Process:Create\nq = search Process:Create\nj = join (p, q) where p.pid == q.ppid and p.time < q.time < p.time + 2 seconds\noutput j",
	"p = search Flow:Start\nc = count(p) by src_ip, dest_ip\ng = group p by src_ip where dest_ip == 10.0.0.0/8\noutput c, g",
	"p = search Process:Create\ns = from p select max(time) as last, count(user) as n, hostname\noutput s",
	"r = run Analytic:CAR-2013-05-003\noutput r",
	"p = search Process:Create\np.base = p.exe\nt = max(p.time) - 1 hour\nl = [\"a\", \"b\", ...]\nm = [1, -2, 3.5]\noutput p",
	"p = search Process:Create where command_line.matches(\"^a.*\") or command_line match \"b\" or command_line includes one of [\"x\", \"y\"]\noutput p",
	"p = search Process:Create where not (exe in (\"a\", \"b\")) and exe not in [\"c\"] and user exists and command_line does not contain \"z\" and command_line contains \"q\"\noutput p",
	"p = search Process:Create where time > now - 1d and parent_exe == null and lower(exe) == * and !(pid < 3)\noutput p",
	"[event_code] == 4624 and\n  [ logon_type ] = 3",
	"p = search Process:Create\nx = filter p where exe ==\noutput p",
	"p = search Process:Create where exe == \"unterminated\noutput p",
	"p = search Process:Create where (exe == \"a\" or\n  exe == \"b\")\noutput p",
	"p = search Process:Create where exe == \"tab\there\" and user == \"日本語\"\noutput p",
}

// programs returns the sources to check: the crafted ones and every
// pseudocode block of the CAR corpus (when it is present).
func programs(t *testing.T) []string {
	srcs := append([]string(nil), crafted...)
	if _, ok := testcorpus.Find(); !ok {
		return srcs
	}
	names, texts := testcorpus.Pages(t)
	for i, name := range names {
		a, _ := parser.Read(name, texts[i], analytic.FormatMarkdown)
		if a == nil {
			continue
		}
		for _, im := range a.Implementations {
			if im.Type == analytic.Pseudocode && strings.TrimSpace(im.Code) != "" {
				srcs = append(srcs, im.Code)
			}
		}
	}
	return srcs
}

func parse(src string) *ast.Program {
	prog, _ := parseDiags(src)
	return prog
}

func parseDiags(src string) (*ast.Program, diag.List) {
	return pseudo.Parse(src, pseudo.Base{File: "t", Line: 1})
}

// repairs are the lexer's repairs: a span that left out a closing quote
// or parenthesis would parse back into the same tree with one of them.
var repairs = map[string]bool{"W101": true, "W102": true, "W103": true, "W104": true, "W105": true, "W106": true, "E107": true}

// offsets maps positions of a block parsed at line 1, column 1, to byte
// offsets of its text.
type offsets struct {
	src   string
	lines []int
}

func newOffsets(src string) offsets {
	o := offsets{src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			o.lines = append(o.lines, i+1)
		}
	}
	return o
}

// off returns a position's byte offset, or -1 when it is not in the text
// (a line past the last, or a column past the end of its line).
func (o offsets) off(p ast.Pos) int {
	if p.Line < 1 || p.Line > len(o.lines) || p.Col < 1 {
		return -1
	}
	start := o.lines[p.Line-1]
	end := len(o.src)
	if p.Line < len(o.lines) {
		end = o.lines[p.Line] - 1
	}
	if start+p.Col-1 > end {
		return -1
	}
	return start + p.Col - 1
}

// spanChecker walks a tree checking every node's span against its
// parent's and its previous sibling's.
type spanChecker struct {
	t       *testing.T
	name    string
	o       offsets
	stack   []ast.Node // the path from the root
	prevEnd []int      // per level of the path, the end of the last child seen
	visits  map[ast.Node]int
	exprs   []ast.Expr
	parents map[ast.Node]ast.Node
}

func (c *spanChecker) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		c.stack = c.stack[:len(c.stack)-1]
		c.prevEnd = c.prevEnd[:len(c.prevEnd)-1]
		return nil
	}
	c.visits[n]++
	pos, end := c.o.off(n.Pos()), c.o.off(n.End())
	desc := fmt.Sprintf("%s: %T at %v-%v", c.name, n, n.Pos(), n.End())
	switch {
	case pos < 0 || end < 0:
		c.t.Errorf("%s: outside the text", desc)
	case end < pos:
		c.t.Errorf("%s: ends before it begins", desc)
	case len(c.stack) > 0:
		parent := c.stack[len(c.stack)-1]
		c.parents[n] = parent
		if pp, pe := c.o.off(parent.Pos()), c.o.off(parent.End()); pos < pp || end > pe {
			c.t.Errorf("%s: outside its parent %T at %v-%v", desc, parent, parent.Pos(), parent.End())
		}
		if prev := c.prevEnd[len(c.prevEnd)-1]; pos < prev {
			c.t.Errorf("%s: begins before its previous sibling ends (offset %d)", desc, prev)
		}
		c.prevEnd[len(c.prevEnd)-1] = end
	}
	if x, ok := n.(ast.Expr); ok && pos >= 0 && end >= pos {
		c.exprs = append(c.exprs, x)
	}
	c.stack = append(c.stack, n)
	c.prevEnd = append(c.prevEnd, pos)
	return c
}

// TestSpans: every node of every program lies within its parent, after its
// previous sibling, and begins before it ends; Walk visits each once.
func TestSpans(t *testing.T) {
	nodes := 0
	for i, src := range programs(t) {
		prog := parse(src)
		c := &spanChecker{t: t, name: fmt.Sprintf("program %d", i), o: newOffsets(src),
			visits: map[ast.Node]int{}, parents: map[ast.Node]ast.Node{}}
		ast.Walk(c, prog)
		if len(c.stack) != 0 {
			t.Errorf("%s: Visit(nil) not called once per node visited", c.name)
		}
		for n, k := range c.visits {
			if k != 1 {
				t.Errorf("%s: %T at %v visited %d times", c.name, n, n.Pos(), k)
			}
		}
		if want := count(prog); len(c.visits) != want {
			t.Errorf("%s: Walk visited %d nodes, want %d:\n%s", c.name, len(c.visits), want, src)
		}
		nodes += len(c.visits)
	}
	if nodes < 500 {
		t.Errorf("only %d nodes checked", nodes)
	}
}

// TestExprRoundTrip: the text between an expression's Pos and End parses
// back into the same expression, as go/printer's round trip does.
func TestExprRoundTrip(t *testing.T) {
	for i, src := range programs(t) {
		prog, diags := parseDiags(src)
		o := newOffsets(src)
		c := &spanChecker{t: t, name: fmt.Sprintf("program %d", i), o: o,
			visits: map[ast.Node]int{}, parents: map[ast.Node]ast.Node{}}
		ast.Walk(c, prog)
		// Names assigned before are declared again, so that "b.exe"
		// is read as the field of dataset b, as it was in the program.
		var decl strings.Builder
		for _, s := range prog.Stmts {
			if a, ok := s.(*ast.AssignStmt); ok {
				fmt.Fprintf(&decl, "%s = 1\n", a.Name.Name)
			}
		}
		for _, x := range c.exprs {
			text := src[o.off(x.Pos()):o.off(x.End())]
			got, rd := reparse(decl.String(), text, c.parents[x])
			if want := dump(x); got != want {
				t.Errorf("%s: %T at %v-%v: %q parses as\n%s\nwant\n%s", c.name, x, x.Pos(), x.End(), text, got, want)
			}
			// The text may need a repair only where the program did.
			for _, d := range rd {
				if repairs[d.Code] && !slices.ContainsFunc(diags, func(e diag.Diagnostic) bool {
					return e.Code == d.Code && o.off(e.Pos) >= o.off(x.Pos()) && o.off(e.Pos) <= o.off(x.End())
				}) {
					t.Errorf("%s: %T at %v-%v: %q parses only with a repair: %v", c.name, x, x.Pos(), x.End(), text, d)
				}
			}
		}
	}
}

// reparse parses an expression's text on its own, in parentheses (which
// join its lines and keep "a = 1" a comparison), or as the list of "in"
// when that is where it was.
func reparse(decl, text string, parent ast.Node) (string, diag.List) {
	in, isIn := parent.(*ast.InExpr)
	asList := isIn && strings.HasPrefix(text, "(") && isList(in.List)
	src := decl + "(" + text + ")"
	if asList {
		src = decl + "(x in " + text + ")"
	}
	prog, diags := parseDiags(src)
	if len(prog.Stmts) == 0 {
		return "no statement", diags
	}
	s, ok := prog.Stmts[len(prog.Stmts)-1].(*ast.ExprStmt)
	if !ok {
		return fmt.Sprintf("%T", prog.Stmts[len(prog.Stmts)-1]), diags
	}
	x := s.X.(*ast.ParenExpr).X
	if asList {
		x = x.(*ast.InExpr).List
	}
	return dump(x), diags
}

func isList(x ast.Expr) bool {
	_, ok := x.(*ast.ListLit)
	return ok
}

func dump(n any) string {
	var b bytes.Buffer
	_ = ast.Fprint(&b, n, false)
	return b.String()
}

// count counts a tree's nodes by hand, as Walk should find them.
func count(n ast.Node) int {
	k := 1
	add := func(ns ...ast.Node) {
		for _, c := range ns {
			k += count(c)
		}
	}
	switch n := n.(type) {
	case *ast.Program:
		for _, s := range n.Stmts {
			add(s)
		}
	case *ast.AssignStmt:
		add(n.Name)
		if n.Query != nil {
			add(n.Query)
		} else {
			add(n.Value)
		}
	case *ast.FieldAssignStmt:
		add(n.Target, n.Value)
	case *ast.OutputStmt:
		for _, id := range n.Names {
			add(id)
		}
	case *ast.InputStmt:
		add(n.Name)
	case *ast.ExprStmt:
		add(n.X)
	case *ast.BadStmt:
		if n.Name != nil {
			add(n.Name)
		}
	case *ast.SearchQuery:
		k += len(n.Sources)
		if n.Where != nil {
			add(n.Where)
		}
	case *ast.FilterQuery:
		if n.Source != nil {
			add(n.Source)
		}
		add(n.Where)
	case *ast.JoinQuery:
		add(n.Left, n.Right, n.Where)
	case *ast.GroupQuery:
		for _, id := range n.Sources {
			add(id)
		}
		for _, f := range n.By {
			add(f)
		}
		if n.Where != nil {
			add(n.Where)
		}
	case *ast.SelectQuery:
		add(n.Source)
		for _, it := range n.Items {
			k++
			add(it.X)
			if it.As != nil {
				add(it.As)
			}
		}
	case *ast.CountQuery:
		add(n.Source)
		for _, f := range n.By {
			add(f)
		}
	case *ast.ListLit:
		for _, e := range n.Elems {
			add(e)
		}
	case *ast.BinaryExpr:
		add(n.X, n.Y)
	case *ast.ChainExpr:
		for _, o := range n.Operands {
			add(o)
		}
	case *ast.NotExpr:
		add(n.X)
	case *ast.ParenExpr:
		add(n.X)
	case *ast.MatchExpr:
		add(n.X, n.Pattern)
	case *ast.ContainsExpr:
		add(n.X, n.Value)
	case *ast.InExpr:
		add(n.X, n.List)
	case *ast.ExistsExpr:
		add(n.X)
	case *ast.CallExpr:
		add(n.Fun)
		for _, a := range n.Args {
			add(a)
		}
	}
	return k
}

// TestInspectPrune: returning false skips a node's children, and f(nil)
// follows each node whose children were walked.
func TestInspectPrune(t *testing.T) {
	prog := parse("p = search Process:Create where exe == \"a\" and (user == \"b\" or pid == 3)\noutput p")
	var kinds []string
	ast.Inspect(prog, func(n ast.Node) bool {
		if n == nil {
			kinds = append(kinds, "nil")
			return false
		}
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."))
		_, paren := n.(*ast.ParenExpr)
		return !paren
	})
	want := "Program AssignStmt Ident nil SearchQuery Source nil BinaryExpr BinaryExpr FieldRef nil StringLit nil nil " +
		"ParenExpr nil nil nil OutputStmt Ident nil nil nil"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("visits\n%s\nwant\n%s", got, want)
	}
}

// TestWalkLongChain: a chain of one operator as long as a large block can
// hold is walked without a recursion as deep as the chain.
func TestWalkLongChain(t *testing.T) {
	const n = 100000
	src := "x = filter p where a == 1" + strings.Repeat(" or a == 1", n-1)
	prog := parse(src)
	fields := 0
	// A recursion as deep as the chain would need tens of megabytes of
	// stack: with 4 MB the test binary dies if Walk recursed.
	defer debug.SetMaxStack(debug.SetMaxStack(4 << 20))
	ast.Inspect(prog, func(n ast.Node) bool {
		if _, ok := n.(*ast.FieldRef); ok {
			fields++
		}
		return true
	})
	if fields != n {
		t.Errorf("%d fields visited, want %d", fields, n)
	}
}

// TestEnds pins the end of the nodes whose end the parser records.
func TestEnds(t *testing.T) {
	src := "p = search Process:Create,Terminate where [ event_code ] == 1 and (lower(exe) == \"a\") and command_line.matches(\"a\") and user exists and l in (“ü”, 'b')\n" +
		"o = count(p) by user\nr = run Analytic:CAR-2013-05-003\noutput (p, o)\n" +
		"x = 1 2"
	prog := parse(src)
	o := newOffsets(src)
	var got []string
	ast.Inspect(prog, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Source, *ast.FieldRef, *ast.StringLit, *ast.MatchExpr, *ast.ExistsExpr, *ast.ListLit, *ast.ParenExpr, *ast.CallExpr,
			*ast.RunQuery, *ast.OutputStmt, *ast.BadStmt, *ast.SearchQuery, *ast.CountQuery:
			got = append(got, src[o.off(n.Pos()):o.off(n.End())])
		}
		return true
	})
	want := []string{
		`search Process:Create,Terminate where [ event_code ] == 1 and (lower(exe) == "a") and command_line.matches("a") and user exists and l in (“ü”, 'b')`,
		"Process:Create", "Terminate", "[ event_code ]", `(lower(exe) == "a")`, "lower(exe)", "exe", `"a"`, `command_line.matches("a")`, "command_line", `"a"`,
		"user exists", "user", "l", "(“ü”, 'b')", "“ü”", "'b'",
		"count(p) by user", "user", "run Analytic:CAR-2013-05-003", "output (p, o)", "x = 1 2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("spans\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
