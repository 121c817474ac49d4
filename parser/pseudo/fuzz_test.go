package pseudo_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/parser/printer"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// FuzzParse checks, for any input: no panic, no hang, diagnostics inside
// the block, every node's span inside its parent's, and for a program without errors, that its canonical form
// parses back without a diagnostic into the same tree and prints the
// same again. The seed corpus is every construct's test input plus
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(string(data))
		}
	}
	f.Add("p = search Process:Create\nx = filter p where (exe == \"cmd.exe\" and parent_exe == \"services.exe\")\noutput x")
	f.Add("j = join (a, b) where a.time < b.time < a.time + 2 seconds\noutput j")
	// Inputs whose cost grew faster than their length: closing
	// parentheses too many (each scanned the rest: seconds for 50,000,
	// minutes for 200,000), long chains, deep nesting. Smaller when
	// fuzzing, which mutates and minimizes its corpus; the chains, which
	// are printed and parsed again, are shorter.
	n := 50000
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		n = 500
	}
	for _, s := range []string{
		"x = filter y where a == 1" + strings.Repeat(")", n) + "\noutput x",
		"x = filter y where a == 1" + strings.Repeat(")", n) + " and b == 2\noutput x",
		"x = filter y where " + strings.Repeat("(", n) + "a == 1" + strings.Repeat(")", n),
		"x = filter y where " + strings.Repeat("not ", n) + "a == 1",
		"p = search Process:Create where " + strings.Repeat("exe == \"a.exe\" or ", n/10) + "exe == \"b.exe\"\noutput p",
		"p = search Process:Create where " + strings.Repeat("exe == \"a.exe\" and ", n/10) + "exe == \"b.exe\"\noutput p",
		"x = filter y where a == " + strings.Repeat("1 + ", n/10) + "1\noutput x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan struct{})
		var prog *ast.Program
		var errs bool
		var lines int
		go func() {
			defer close(done)
			p, d := pseudo.Parse(src, pseudo.Base{File: "f", Line: 1})
			prog, errs = p, d.HasErrors()
			lines = strings.Count(src, "\n") + strings.Count(src, "\r") + 2
			for _, x := range d {
				if x.Pos.Line < 1 || x.Pos.Line > lines {
					t.Errorf("diagnostic outside the input: %v", x)
				}
			}
			checkSpans(t, p)
		}()
		// Parsing takes milliseconds: an input that takes seconds has
		// found work that grows faster than its length.
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("parsing %d bytes took over 2 s: %q", len(src), src)
		}
		if errs {
			return
		}
		out := printer.Print(prog)
		again, d := pseudo.Parse(out, pseudo.Base{File: "g", Line: 1})
		if len(d) > 0 {
			t.Fatalf("canonical form of %q has diagnostics %v:\n%s", src, d, out)
		}
		// The dump indents each level of the tree, and a chain is a tree
		// as deep as it is long: its size is quadratic in the chain's
		// length, so the long seeds above are not dumped.
		if len(src) <= 8<<10 {
			var a, b bytes.Buffer
			_ = ast.Fprint(&a, prog, false)
			_ = ast.Fprint(&b, again, false)
			if a.String() != b.String() {
				t.Fatalf("canonical form of %q parses into another tree:\n%s\n%s\n%s", src, out, a.String(), b.String())
			}
		}
		if printer.Print(again) != out {
			t.Fatalf("fmt of fmt differs for %q", src)
		}
	})
}

// checkSpans checks that every node begins before it ends, inside its
// parent's span. (An empty program has no span.)
func checkSpans(t *testing.T, prog *ast.Program) {
	if len(prog.Stmts) == 0 {
		return
	}
	before := func(a, b ast.Pos) bool { return a.Line < b.Line || a.Line == b.Line && a.Col <= b.Col }
	var stack []ast.Node
	ast.Inspect(prog, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if n.Pos().Line < 1 || !before(n.Pos(), n.End()) {
			t.Errorf("%T spans %v-%v", n, n.Pos(), n.End())
			return false
		}
		if len(stack) > 0 {
			if p := stack[len(stack)-1]; !before(p.Pos(), n.Pos()) || !before(n.End(), p.End()) {
				t.Errorf("%T at %v-%v outside its parent %T at %v-%v", n, n.Pos(), n.End(), p, p.Pos(), p.End())
			}
		}
		stack = append(stack, n)
		return true
	})
}
