package compiler_test

import (
	"testing"

	"github.com/cartrans/cartrans/compiler"
)

// BenchmarkCompileCorpus parses and checks the 83 pseudocode blocks of the
// shared corpus (the analytics already read).
func BenchmarkCompileCorpus(b *testing.B) {
	analytics := corpusAnalytics(b)
	b.ReportAllocs()
	for b.Loop() {
		compiler.Compile(analytics)
	}
}
