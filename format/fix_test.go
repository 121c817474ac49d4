package format

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/parser"
)

const page = "---\ntitle: \"CAR-2020-01-001: Misspelt\"\nsubmission_date: 2020/01/01\n---\n### Implementations\n\n#### Pseudocode\n\n```\nprocesses = search Process:Create\nx = filter processes where comman_line == \"a\"\noutput x\n```\n"

// TestApplyFixesRefusesMisplaced: a Fix whose old text is not where its
// position says (or that would reach outside a pseudocode block) is not
// made, and says so; the text is left as it is.
func TestApplyFixesRefusesMisplaced(t *testing.T) {
	for _, c := range []struct {
		name string
		move func(line, col int) (int, int)
	}{
		{"column off", func(l, c int) (int, int) { return l, c + 1 }},
		{"outside the block", func(l, c int) (int, int) { return 2, c }},
		{"past the end", func(l, c int) (int, int) { return l, 1000 }},
	} {
		a, _ := parser.Read("p.md", []byte(page), analytic.FormatMarkdown)
		units := compiler.Compile([]*analytic.Analytic{a})
		n := 0
		for i := range units[0].Diags {
			if f := units[0].Diags[i].Fix; f != nil {
				f.Pos.Line, f.Pos.Col = c.move(f.Pos.Line, f.Pos.Col)
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d fixes, want 1: %v", n, units[0].Diags)
		}
		out, done, bad := applyFixes([]byte(page), units)
		if string(out) != page || len(done) != 0 || len(bad) != 1 || !strings.Contains(bad[0].Message, `repair "comman_line" → "command_line" not made`) {
			t.Errorf("%s: made %v, refused %v:\n%s", c.name, done, bad, out)
		}
	}
	// In place, the same Fix is made.
	if fx := Repair("p.md", []byte(page)); len(fx.Applied) != 1 || !strings.Contains(string(fx.Data), "where command_line ==") || len(fx.Diags) != 0 {
		t.Errorf("Repair: applied %v, left %v:\n%s", fx.Applied, fx.Diags, fx.Data)
	}
}
