package main

import (
	"fmt"
	"github.com/cartrans/cartrans/backends/all"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLongOrChain runs convert, fmt and lint on an analytic whose
// pseudocode is one chain of 20,000 "or" terms (430 KB). Each must read
// every term, and allocate in proportion to the chain: lowering that
// copied the terms of each "or" into its parent's, and printing that
// joined the text of each into its parent's, allocated n² bytes
// (gigabytes here, and minutes for a 4 MiB page). Bytes allocated do not
// depend on the machine; BenchmarkOrChain (convert/) measures the time.
func TestLongOrChain(t *testing.T) {
	const n = 20000
	var chain strings.Builder
	for i := range n {
		if i > 0 {
			chain.WriteString(" or ")
		}
		fmt.Fprintf(&chain, "exe == \"a%d.exe\"", i)
	}
	page := "---\ntitle: \"CAR-2026-11-999: Long chain\"\nsubmission_date: 2026/11/26\n---\nA long chain.\n\n" +
		"### Implementations\n\n#### Chain (Pseudocode, CAR native)\n\n```\n" +
		"processes = search Process:Create where " + chain.String() + "\noutput processes\n```\n"
	file := filepath.Join(t.TempDir(), "chain.md")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	// The last term's file name, which DNIF writes as a regular
	// expression (a19999\.exe).
	last := fmt.Sprintf("a%d", n-1)
	for _, c := range []struct {
		args []string
		// want is in the output once per target (convert) or once.
		want  string
		times int
	}{
		{[]string{"convert", file}, last, len(all.Backends())},
		{[]string{"fmt", file}, `exe == "` + last + `.exe"`, 1},
		{[]string{"lint", file}, "clean                            1", 1},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out, errs, code := cli(t, "", c.args...)
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.args[0], code, errs)
		}
		if got := strings.Count(out, c.want); got != c.times {
			t.Errorf("%s: %q %d times in the output, want %d", c.args[0], c.want, got, c.times)
		}
		perTerm := (after.TotalAlloc - before.TotalAlloc) / n
		t.Logf("%s: %d bytes allocated per term", c.args[0], perTerm)
		if perTerm > 40<<10 {
			t.Errorf("%s allocated %d KB per term of a chain of %d: more than linear", c.args[0], perTerm>>10, n)
		}
	}
}

// TestDeepNesting converts a condition of 400 nested groups, alternately
// "and" and "or", around a chain of 5,000 terms (115 KB). The queries
// must allocate in proportion to the condition: printing each group by
// joining the texts of the groups inside it copied the innermost chain
// once per group around it (700 bytes per byte of the page, 80 MB here,
// where the query is 90 KB).
func TestDeepNesting(t *testing.T) {
	const n, depth = 5000, 400
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(" or ")
		}
		fmt.Fprintf(&b, "exe == \"a%d.exe\"", i)
	}
	cond := b.String()
	for k := range depth {
		op := "and"
		if k%2 == 1 {
			op = "or"
		}
		cond = fmt.Sprintf("(%s) %s exe == \"b%d.exe\"", cond, op, k)
	}
	page := "---\ntitle: \"CAR-2026-11-999: Deep nesting\"\nsubmission_date: 2026/11/26\n---\nDeep groups.\n\n" +
		"### Implementations\n\n#### Deep (Pseudocode, CAR native)\n\n```\n" +
		"processes = search Process:Create where " + cond + "\noutput processes\n```\n"
	file := filepath.Join(t.TempDir(), "deep.md")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"splunk", "eql", "logpoint"} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out, errs, code := cli(t, "", "convert", "-t", target, file)
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", target, code, errs)
		}
		last := fmt.Sprintf("b%d.exe", depth-1)
		if !strings.Contains(out, fmt.Sprintf("a%d", n-1)) || !strings.Contains(out, last) {
			t.Errorf("%s: the query lacks the innermost or the outermost term:\n%.300s", target, out)
		}
		perByte := (after.TotalAlloc - before.TotalAlloc) / uint64(len(page))
		t.Logf("%s: %d bytes allocated per byte of the page", target, perByte)
		if perByte > 300 {
			t.Errorf("%s allocated %d bytes per byte of a page of %d groups: more than linear", target, perByte, depth)
		}
	}
}
