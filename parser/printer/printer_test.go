package printer_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/ast"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/parser/printer"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// tree is a program's syntax tree without positions and quoting, for
// comparing meaning.
func tree(t *testing.T, prog *ast.Program) string {
	t.Helper()
	var b bytes.Buffer
	if err := ast.Fprint(&b, prog, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// roundTrip checks that the canonical text of src parses, without a
// diagnostic, into the tree src parses into, and prints as itself.
func roundTrip(t *testing.T, name, src string) (string, bool) {
	t.Helper()
	prog, diags := pseudo.Parse(src, pseudo.Base{File: name, Line: 1})
	if diags.HasErrors() {
		return "", false
	}
	out := printer.Print(prog)
	again, d := pseudo.Parse(out, pseudo.Base{File: "printed", Line: 1})
	if len(d) > 0 {
		t.Errorf("%s: the canonical form has diagnostics %v:\n%s", name, d, out)
		return out, true
	}
	if tree(t, prog) != tree(t, again) {
		t.Errorf("%s: the canonical form parses into another tree:\n%s\nfrom:\n%s", name, out, src)
	}
	if out2 := printer.Print(again); out2 != out {
		t.Errorf("%s: printing the printed text changes it:\n%s\n---\n%s", name, out, out2)
	}
	return out, true
}

// TestCorpusRoundTrip: every pseudocode block of CAR's pages that parses
// (whatever the checker says of its fields and names, and repaired or
// not) prints as text that parses into the same tree, and printing that
// gives the same text.
func TestCorpusRoundTrip(t *testing.T) {
	names, texts := testcorpus.Pages(t)
	blocks, printed := 0, 0
	for i, name := range names {
		a, _ := parser.ReadMarkdown(name, texts[i])
		if a == nil {
			continue
		}
		for j, im := range a.Implementations {
			if im.Type != analytic.Pseudocode {
				continue
			}
			blocks++
			if _, ok := roundTrip(t, fmt.Sprintf("%s#%d", name, j), im.Code); ok {
				printed++
			}
		}
	}
	// CAR's pages hold some eighty pseudocode blocks, about nine in ten
	// of which parse: fewer means the corpus was not read.
	if blocks < 50 || printed < blocks*3/4 {
		t.Errorf("%d pseudocode blocks, %d parsed and printed", blocks, printed)
	}
}

// TestCanonical: what the canonical form writes for each construct.
func TestCanonical(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`p = SEARCH Process:Create`, `p = search Process:Create`},
		{`p = search Process:Create where exe = "a.exe"`, `p = search Process:Create where exe == "a.exe"`},
		{`p = search Process:Create where exe == “a.exe”`, `p = search Process:Create where exe == "a.exe"`},
		{`p = search Process:Create or Process:Terminate`, `p = search Process:Create or Process:Terminate`},
		{`q = filter p where (a == "x" or b == "y") and c == "z"`, `q = filter p where (a == "x" or b == "y") and c == "z"`},
		{`q = filter p where a == "x" or (b == "y" and c == "z")`, `q = filter p where a == "x" or (b == "y" and c == "z")`},
		{`q = filter p where not (a == "x")`, `q = filter p where not (a == "x")`},
		{`q = filter p where a in ["x", "y"]`, `q = filter p where a in ["x", "y"]`},
		{`q = filter p where a does not contain "x"`, `q = filter p where a does not contain "x"`},
		{`q = filter p where [event_code] == 4624`, `q = filter p where [event_code] == 4624`},
		{`q = filter p where a == "say \"hi\""`, `q = filter p where a == "say \"hi\""`},
		{`OUTPUT p`, `output p`},
	} {
		prog, diags := pseudo.Parse(c.in, pseudo.Base{File: "t", Line: 1})
		if diags.HasErrors() {
			t.Errorf("%s: %v", c.in, diags)
			continue
		}
		if got := strings.TrimSuffix(printer.Print(prog), "\n"); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
		roundTrip(t, c.in, c.in)
	}
}

// TestStrings: a string holding quotes and backslashes comes back from
// its canonical text as it was. (One holding smart double and single
// quotes both cannot be written in the language: the lexer reads each as
// its straight quote.)
func TestStrings(t *testing.T) {
	for _, s := range []string{`C:\Windows\`, `a\\b`, `say "hi"`, `it's`, `“smart”`, `\'`, `end\`} {
		prog := &ast.Program{Stmts: []ast.Stmt{&ast.ExprStmt{X: &ast.BinaryExpr{
			Op: ast.OpEq, X: &ast.FieldRef{Parts: []string{"a"}}, Y: &ast.StringLit{Value: s}}}}}
		out := printer.Print(prog)
		again, diags := pseudo.Parse(out, pseudo.Base{File: "t", Line: 1})
		if len(diags) > 0 {
			t.Errorf("%q printed as %s: %v", s, out, diags)
			continue
		}
		lit, ok := again.Stmts[0].(*ast.ExprStmt).X.(*ast.BinaryExpr).Y.(*ast.StringLit)
		if !ok || lit.Value != s {
			t.Errorf("%q printed as %s reads back as %+v", s, out, again.Stmts[0])
		}
	}
}

// TestLongChain: a chain longer than a line is broken one operand a line,
// each line within LineWidth, and means the same.
func TestLongChain(t *testing.T) {
	var terms []string
	for i := range 12 {
		terms = append(terms, fmt.Sprintf(`command_line == "*value number %d*"`, i))
	}
	src := "q = filter p where (" + strings.Join(terms, " or ") + ") and exe == \"cmd.exe\""
	out, ok := roundTrip(t, "long", src)
	if !ok {
		t.Fatalf("does not parse: %s", src)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < len(terms) {
		t.Errorf("not broken one operand a line:\n%s", out)
	}
	for _, l := range lines {
		if len(l) > printer.LineWidth {
			t.Errorf("a line of %d characters:\n%s", len(l), l)
		}
	}
}
