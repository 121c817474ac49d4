package sigma

import (
	"testing"

	"github.com/cartrans/cartrans/internal/gcpolicy"
)

// BenchmarkSigmaRead reads every rule of the Sigma corpus's rules/ (the
// files' bytes held in memory) on every core, as parser.ReadAll does,
// with the collector set as the command sets it; rules/s counts the
// rules read.
func BenchmarkSigmaRead(b *testing.B) {
	paths, data := corpusRules(b)
	defer gcpolicy.Batch()()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		rules, _ := parseAll(paths, data)
		n = 0
		for _, rs := range rules {
			n += len(rs)
		}
	}
	if n == 0 {
		b.Fatal("no rules read")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
}
