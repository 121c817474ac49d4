package format_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/format"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// formatFile reads, compiles and formats one file, as fmt does.
func formatFile(t *testing.T, path string, data []byte) ([]byte, []format.Block, diag.List) {
	t.Helper()
	f, ok := parser.FormatOf(path)
	if !ok {
		t.Fatalf("%s: no format", path)
	}
	a, _ := parser.Read(path, data, f)
	if a == nil {
		t.Fatalf("%s does not read", path)
	}
	return format.File(path, data, compiler.Compile([]*analytic.Analytic{a}))
}

const head = "---\ntitle: \"CAR-2020-01-001: Test\"\nsubmission_date: 2020/01/01\n---\nText before.\n\n### Implementations\n\n#### Block (Pseudocode, CAR native)\n\n```\n"
const tail = "```\n\nText after, with “smart” quotes and SEARCH in capitals.\n"

// TestFileMarkdown: only the pseudocode changes, to its canonical form,
// and formatting the result changes nothing.
func TestFileMarkdown(t *testing.T) {
	src := head + "p = SEARCH Process:Create\nq = filter p where exe = “cmd.exe”\nOUTPUT q\n" + tail
	out, blocks, diags := formatFile(t, "p.md", []byte(src))
	want := head + "p = search Process:Create\nq = filter p where exe == \"cmd.exe\"\noutput q\n" + tail
	if string(out) != want || len(blocks) != 1 || diags.HasErrors() {
		t.Fatalf("got:\n%s\nblocks %+v, %v", out, blocks, diags)
	}
	if blocks[0].Old != "p = SEARCH Process:Create\nq = filter p where exe = “cmd.exe”\nOUTPUT q" || blocks[0].New+"\n" != strings.TrimSuffix(strings.TrimPrefix(want, head), tail) {
		t.Errorf("block: %+v", blocks[0])
	}
	again, blocks, _ := formatFile(t, "p.md", out)
	if !bytes.Equal(again, out) || len(blocks) != 0 {
		t.Errorf("formatting the formatted page changes it:\n%s", again)
	}
}

// TestFileKeepsLayout: the file's line endings and a YAML block's
// indentation are kept; a block with errors is left as it is.
func TestFileKeepsLayout(t *testing.T) {
	// CRLF: the block is formatted with the file's line endings (the
	// markdown reader keeps the \r of each code line but the last, and
	// the block is found without them): never a mix of line endings.
	crlf := strings.ReplaceAll(head+"p = SEARCH Process:Create\noutput p\n"+tail, "\n", "\r\n")
	out, blocks, diags := formatFile(t, "c.md", []byte(crlf))
	formatted := len(blocks) == 1 && strings.Contains(string(out), "```\r\np = search Process:Create\r\noutput p\r\n```\r\n") && strings.Count(string(out), "\n") == strings.Count(string(out), "\r\n")
	if !formatted {
		t.Errorf("CRLF: %d blocks, %v:\n%q", len(blocks), diags, out)
	}

	yml, err := os.ReadFile("../examples/analytics/CAR-2026-11-904.yaml")
	if err != nil {
		t.Fatal(err)
	}
	messy := strings.Replace(string(yml), "      output tasks\n", "      OUTPUT tasks\n", 1)
	if messy == string(yml) {
		t.Fatal("the example changed: no output line to mess up")
	}
	out, blocks, _ = formatFile(t, "a.yaml", []byte(messy))
	if string(out) != string(yml) || len(blocks) != 1 {
		t.Errorf("YAML: %d blocks\n%s", len(blocks), out)
	}

	bad := head + "p = SEARCH Process:Create\nq = filter p where (exe == \"a\"\noutput nosuch\n" + tail
	out, blocks, _ = formatFile(t, "b.md", []byte(bad))
	if string(out) != bad || len(blocks) != 0 {
		t.Errorf("a block with errors was rewritten:\n%s", out)
	}
}

// TestRepair: a certain repair is made (a misspelt field with one
// candidate), the rest of the file kept; a file with nothing to repair
// comes back as it was.
func TestRepair(t *testing.T) {
	src := head + "p = search Process:Create\nq = filter p where comman_line == \"a\"\noutput q\n" + tail
	fx := format.Repair("r.md", []byte(src))
	want := strings.Replace(src, "comman_line", "command_line", 1)
	if string(fx.Data) != want || len(fx.Applied) != 1 || fx.Diags.HasErrors() || fx.Analytic == nil {
		t.Errorf("repair:\n%s\napplied %v, left %v", fx.Data, fx.Applied, fx.Diags)
	}
	clean := []byte(want)
	fx = format.Repair("r.md", clean)
	if !bytes.Equal(fx.Data, clean) || len(fx.Applied) != 0 {
		t.Errorf("a clean file: applied %v", fx.Applied)
	}
}

// TestCorpusFormat: over CAR's pages, formatting keeps every byte outside
// the pseudocode (File reads its result back, and says when it would not)
// and is idempotent.
func TestCorpusFormat(t *testing.T) {
	names, texts := testcorpus.Pages(t)
	changed := 0
	for i, name := range names {
		path := filepath.Base(name)
		out, blocks, diags := formatFile(t, path, texts[i])
		for _, d := range diags {
			if d.Severity == diag.Error {
				t.Errorf("%s: %v", name, d)
			}
		}
		if len(blocks) == 0 {
			continue
		}
		changed++
		again, more, _ := formatFile(t, path, out)
		if !bytes.Equal(again, out) || len(more) != 0 {
			t.Errorf("%s: formatting twice differs from once", name)
		}
	}
	if changed == 0 {
		t.Error("no page of the corpus has a block to format: was it read?")
	}
}
