package parser_test

import (
	"os"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/parser"
)

// TestExamples reads the project's own examples: they must be clean, so
// the README's commands show no diagnostics.
func TestExamples(t *testing.T) {
	rs := parser.Load([]string{"../examples/analytics"}, parser.Options{})
	if len(rs) < 4 {
		t.Fatalf("read %d examples, want at least 4", len(rs))
	}
	for _, r := range rs {
		if r.Analytic == nil || len(r.Diags) > 0 {
			t.Errorf("%s: %v", r.Path, r.Diags)
		}
	}
}

// TestCodePositions checks that line N of a pseudocode block maps to line
// CodePos.Line+N-1 of the file, column CodeIndent+1, in both formats.
func TestCodePositions(t *testing.T) {
	for _, file := range []string{
		"../examples/analytics/CAR-2026-11-903.md",
		"../examples/analytics/CAR-2026-11-904.yaml",
	} {
		res := parser.ReadFile(file)
		data, _ := os.ReadFile(file)
		lines := strings.Split(string(data), "\n")
		for _, im := range res.Analytic.Implementations {
			if im.Type != analytic.Pseudocode {
				continue
			}
			for i, codeLine := range strings.Split(im.Code, "\n") {
				fileLine := lines[im.CodePos.Line-1+i]
				if codeLine != "" && fileLine[min(im.CodeIndent, len(fileLine)):] != codeLine {
					t.Errorf("%s: code line %d %q is not at file line %d col %d (%q)", file, i+1, codeLine, im.CodePos.Line+i, im.CodeIndent+1, fileLine)
				}
			}
		}
	}
}
