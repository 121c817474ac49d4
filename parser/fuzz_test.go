package parser

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
)

// The fuzz targets check what the readers promise for any input: no panic,
// no hang, every diagnostic positioned inside the file, and an analytic
// returned only with its ID or title. The seed corpus is the project's
// examples plus testdata/fuzz/<target>/, which holds inputs on the edges of
// the formats (deep nesting, NUL bytes, alias bombs, CRLF, wrong types).

func addExamples(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("..", "examples", "analytics", pattern))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
}

type reader func(file string, data []byte) (*analytic.Analytic, diag.List)

// readBound is how long reading one fuzz input may take. The fuzzer's
// inputs are at most a few hundred KB, which the readers read in
// milliseconds; an input that takes seconds has found work that grows
// faster than its length (goldmark's inline parsing and nesting were
// such: see MaxNesting, MaxInline), and is a failure.
const readBound = 2 * time.Second

func checkReader(t *testing.T, read reader, file string, data []byte) {
	type result struct {
		a     *analytic.Analytic
		diags diag.List
	}
	done := make(chan result, 1)
	go func() {
		a, diags := read(file, data)
		done <- result{a, diags}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(readBound):
		// The fuzzer does not report hangs itself, nor slow inputs: fail
		// with the input.
		t.Fatalf("reading %d bytes took over %v (a quadratic path in the reader?): %q", len(data), readBound, data)
	}
	a, diags := res.a, res.diags
	lines := countLines(data)
	for _, d := range diags {
		if d.Pos.File != file || d.Pos.Line < 0 || d.Pos.Line > lines {
			t.Errorf("diagnostic outside the %d-line input: %v", lines, d)
		}
	}
	if a != nil && a.ID == "" && a.Title == "" {
		t.Errorf("analytic with neither ID nor title returned")
	}
}

// fuzzing reports whether the test runs with -fuzz.
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

func FuzzReadMarkdown(f *testing.F) {
	addExamples(f, "*.md")
	f.Add([]byte("---\ntitle: \"CAR-2020-01-001: x\"\n---\n### Implementations\n#### Pseudocode\n```\na\n```\n"))
	// Pages of 128 KB on which goldmark took from 8 to 26 s before the
	// reader bounded it (bench_test.go). When fuzzing, pages of 4 KB
	// instead: the fuzzer mutates and minimizes its corpus, which is
	// slow on large inputs (minutes without a new input on this one).
	size := 128 << 10
	if fuzzing() {
		size = 4 << 10
	}
	for _, p := range pathological {
		f.Add(pathologicalPage(p.start, p.unit, p.end, size))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkReader(t, ReadMarkdown, "f.md", data) })
}

func FuzzReadYAML(f *testing.F) {
	addExamples(f, "*.yaml")
	f.Add([]byte("id: CAR-2020-01-001\ntitle: x\nimplementations:\n  - code: |-\n      a\n    type: pseudocode\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkReader(t, ReadYAML, "f.yaml", data) })
}
