package compiler_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

var (
	sectionRE = regexp.MustCompile(`(?m)^#### ([EW]\d{3}) `)
	fenceRE   = regexp.MustCompile("(?s)```[a-z]*\n(.*?)```")
	outputRE  = regexp.MustCompile(`^\S+:\d+:\d+: ((?:error|warning)\[[EW]\d{3}\]: .*)$`)
)

// TestDocExamples checks docs/pseudocode.md against the implementation:
// every diagnostic code has a section, and each section's example, run
// through the compiler, gives the diagnostics the section shows.
func TestDocExamples(t *testing.T) {
	root, err := testcorpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(root + "/docs/pseudocode.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	sections := sectionRE.FindAllStringSubmatchIndex(text, -1)
	documented := map[string]bool{}
	for i, m := range sections {
		code := text[m[2]:m[3]]
		documented[code] = true
		end := len(text)
		if i+1 < len(sections) {
			end = sections[i+1][0]
		}
		if next := strings.Index(text[m[1]:end], "\n## "); next >= 0 {
			end = m[1] + next
		}
		blocks := fenceRE.FindAllStringSubmatch(text[m[1]:end], -1)
		if len(blocks) == 0 {
			t.Errorf("%s: the section has no example", code)
			continue
		}
		// An example that spans files (E218) or elides part of itself
		// with "…" (E111) illustrates; its code has a test of its own.
		if len(blocks) < 2 || strings.Contains(blocks[0][1], "…") {
			continue
		}
		program, output := blocks[0][1], blocks[1][1]
		a := &analytic.Analytic{ID: "CAR-2099-01-001", Implementations: []analytic.Implementation{
			{Type: analytic.Pseudocode, Code: strings.TrimRight(program, "\n"), CodePos: analytic.Pos{File: "doc.md", Line: 1}}}}
		units := compiler.Compile([]*analytic.Analytic{a})
		var got []string
		for _, d := range units[0].Diags {
			got = append(got, d.String())
		}
		all := strings.Join(got, "\n")
		seen := false
		for _, line := range strings.Split(output, "\n") {
			om := outputRE.FindStringSubmatch(line)
			if om == nil {
				continue
			}
			want := om[1]
			// Suggestions are printed on a help line of their own.
			if !strings.Contains(all, want) {
				t.Errorf("%s: the example does not give %q; it gives:\n%s", code, want, all)
			}
			if strings.Contains(want, "["+code+"]") {
				seen = true
			}
		}
		if !seen {
			t.Errorf("%s: the example's output does not show %s", code, code)
		}
	}
	for code := range compiler.Codes {
		if !documented[code] {
			t.Errorf("%s is not documented in docs/pseudocode.md", code)
		}
	}
}
