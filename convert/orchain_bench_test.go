package convert_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
)

// orChain is an analytic whose one pseudocode block searches for any of
// n executables: a chain of n "or" terms on one line.
func orChain(n int) *analytic.Analytic {
	var b strings.Builder
	b.WriteString("processes = search Process:Create where ")
	for i := range n {
		if i > 0 {
			b.WriteString(" or ")
		}
		fmt.Fprintf(&b, "exe == \"a%d.exe\"", i)
	}
	b.WriteString("\noutput processes\n")
	return &analytic.Analytic{ID: "CAR-2026-11-999", Title: "or chain",
		Implementations: []analytic.Implementation{{
			Type: analytic.Pseudocode, Code: b.String(),
			CodePos: diag.Pos{File: "chain.md", Line: 1, Col: 1},
		}}}
}

// BenchmarkOrChain compiles one block holding a chain of n "or" terms and
// translates it to every backend with its default profile: parsing,
// checking, lowering and emitting. ns/term stays level when every step
// is linear in the length of the chain.
func BenchmarkOrChain(b *testing.B) {
	var targets []convert.Target
	for _, be := range all.Backends() {
		targets = append(targets, convert.Target{Backend: be, Profile: be.Profiles()[0]})
	}
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		a := orChain(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				entries, diags := convert.Convert([]*analytic.Analytic{a}, targets, convert.Options{})
				if diags.HasErrors() || len(entries) != len(targets) {
					b.Fatalf("%d entries for %d targets: %v", len(entries), len(targets), diags)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/term")
		})
	}
}
