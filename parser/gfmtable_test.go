package parser

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// tablesOf parses markdown and renders each table as rows of cells
// joined by "|" (a cell's text as its inline nodes give it), rows by "\n",
// and each paragraph's text as "P:" and its lines.
func tablesOf(t *testing.T, md string) []string {
	t.Helper()
	src := []byte(md)
	doc := markdownParser().Parse(text.NewReader(src))
	var out []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *extast.Table:
			var rows []string
			for r := n.FirstChild(); r != nil; r = r.NextSibling() {
				var cells []string
				for c := r.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, inline(c, src))
				}
				rows = append(rows, strings.Join(cells, "|"))
			}
			out = append(out, strings.Join(rows, "\n"))
		case *ast.Paragraph:
			out = append(out, "P:"+string(n.Lines().Value(src)))
		}
	}
	return out
}

func inline(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		if l, ok := n.(*ast.Link); ok && entering {
			b.WriteString("<" + string(l.Destination) + ">")
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TestGFMTables: the table transformer reads GFM tables as goldmark's Table
// extension does for what CAR's pages hold (GitHub Flavored Markdown
// spec, "Tables (extension)").
func TestGFMTables(t *testing.T) {
	for _, c := range []struct {
		name, md string
		want     []string
	}{
		{"plain", "| a | b |\n|---|---|\n| 1 | 2 |\n", []string{"a|b\n1|2"}},
		{"no outer pipes", "a | b\n--- | :-:\n1 | 2\n", []string{"a|b\n1|2"}},
		{"links are inline content", "| T | N |\n|--|--|\n| [T1](https://x/T1) | n |\n", []string{"T|N\n<https://x/T1>T1|n"}},
		// An escaped pipe does not split; the cell's text segment keeps
		// the backslash, as goldmark's own extension leaves it.
		{"escaped pipe", "| a | b |\n|---|---|\n| x \\| y | z |\n", []string{"a|b\nx \\| y|z"}},
		{"missing cells are empty, extra dropped", "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n", []string{"a|b\n1|\n1|2"}},
		{"empty cell", "| a | b |\n|---|---|\n| | 2 |\n", []string{"a|b\n|2"}},
		{"paragraph before", "intro\n| a |\n|---|\n| 1 |\n", []string{"P:intro", "a\n1"}},
		{"header and delimiter differ", "| a | b |\n|---|\n| 1 | 2 |\n", []string{"P:| a | b |\n|---|\n| 1 | 2 |"}},
		{"not a delimiter", "| a |\n| -x- |\n", []string{"P:| a |\n| -x- |"}},
		{"a lone colon", "| a |\n| : |\n", []string{"P:| a |\n| : |"}},
	} {
		got := tablesOf(t, c.md)
		if strings.Join(got, "\n---\n") != strings.Join(c.want, "\n---\n") {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
