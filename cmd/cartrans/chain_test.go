package main

import (
	"fmt"
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
		{[]string{"convert", file}, last, 4},
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
