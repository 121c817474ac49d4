package parser

import (
	"fmt"
	"strings"
	"testing"
)

// pathological are markdown bodies on which a CommonMark inline parser,
// or its block parser, does work quadratic in their length when it is
// naive: emphasis delimiters that never close, link openings that never
// close, and block quotes nested as deep as the line is long.
var pathological = []struct {
	name, start, unit, end string
}{
	{"emphasis", "", "*a_", ""},
	{"links", "", "[a](", ""},
	{"quotes", "", ">", " a"},
	{"lists", "", "- ", "a"},
	{"quoted-lists", "", "> - ", "a"},
	// The same inline patterns in a heading and in table cells, the
	// blocks whose inline markup is read, one line each.
	{"heading-links", "#### ", "[a](", ""},
	{"cell-emphasis", "|a|\n|-|\n|", "*a_", "|"},
	// Many short lines, each a cell just under MaxInline.
	{"cells-emphasis", "|a|\n|-|\n", "|" + strings.Repeat("*a_", MaxInline/3-1) + "|\n", ""},
}

// pathologicalPage is an analytic page whose description is n bytes of
// one pathological pattern.
func pathologicalPage(start, unit, end string, n int) []byte {
	return []byte("---\ntitle: \"CAR-2026-11-998: Pathological\"\n---\n" +
		start + strings.Repeat(unit, n/len(unit)) + end +
		"\n\n### Implementations\n\n#### X (Pseudocode, CAR native)\n\n```\np = search Process:Create\noutput p\n```\n")
}

// BenchmarkReadPathological reads pages of growing size made of one
// pathological pattern; ns/KB stays level when reading is linear in the
// page.
func BenchmarkReadPathological(b *testing.B) {
	for _, p := range pathological {
		for _, kb := range []int{32, 128, 512} {
			page := pathologicalPage(p.start, p.unit, p.end, kb<<10)
			b.Run(fmt.Sprintf("%s/%dKB", p.name, kb), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					if a, _ := ReadMarkdown("p.md", page); a == nil {
						b.Fatal("not read")
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(kb), "ns/KB")
			})
		}
	}
}
