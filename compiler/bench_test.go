package compiler_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// BenchmarkCompileCorpus parses and checks the 83 pseudocode blocks of the
// shared corpus (the analytics already read).
func BenchmarkCompileCorpus(b *testing.B) {
	root, files := testcorpus.Analytics(b)
	var analytics []*analytic.Analytic
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		a, _ := parser.Read(rel, data, analytic.FormatMarkdown)
		analytics = append(analytics, a)
	}
	b.ReportAllocs()
	for b.Loop() {
		compiler.Compile(analytics)
	}
}
