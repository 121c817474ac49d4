// Package format rewrites the pseudocode blocks of analytic files in their
// canonical form (package printer), with the front end's certain repairs
// applied. Only those blocks change: every other byte of the file is kept,
// and a rewrite is read back and compared before it is accepted, so a
// file is never damaged. A block with errors is left as it is.
package format

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/parser/printer"
)

// Block is the new text of one implementation.
type Block struct {
	Impl *analytic.Implementation
	Old  string
	New  string
}

// File rewrites the pseudocode blocks of one file. units are the file's
// compiled implementations. It returns the new content (data itself when
// nothing changes), the blocks it changed, and diagnostics for blocks it
// could not rewrite.
func File(path string, data []byte, units []*compiler.Unit) ([]byte, []Block, diag.List) {
	var diags diag.List
	var blocks []Block
	lines := splitLines(data)
	// Work from the last block up, so earlier line numbers stay valid.
	for k := len(units) - 1; k >= 0; k-- {
		u := units[k]
		if !u.OK() {
			continue
		}
		im := u.Implementation()
		want := strings.TrimSuffix(printer.Print(u.Program), "\n")
		// The markdown reader keeps a CRLF page's carriage returns in
		// the code; the lines are compared, and rewritten, without them
		// (each rewritten line ends as the file's first line of the
		// block does).
		code := strings.ReplaceAll(im.Code, "\r\n", "\n")
		if want == code {
			continue
		}
		old := strings.Split(code, "\n")
		first := im.CodePos.Line - 1
		if first < 0 || first+len(old) > len(lines) || !matches(lines[first:first+len(old)], old, im.CodeIndent) {
			diags.Errorf(im.CodePos, "cannot find the pseudocode block in the file as it was read; left as it is")
			continue
		}
		indent := lines[first][:im.CodeIndent]
		eol := lineEnding(lines[first])
		var repl []string
		for _, l := range strings.Split(want, "\n") {
			if l == "" {
				repl = append(repl, eol)
			} else {
				repl = append(repl, indent+l+eol)
			}
		}
		// The last line of the file may lack a newline: keep it so.
		last := first + len(old) - 1
		if !strings.HasSuffix(lines[last], "\n") {
			repl[len(repl)-1] = strings.TrimRight(repl[len(repl)-1], "\r\n")
		}
		lines = append(lines[:first], append(repl, lines[first+len(old):]...)...)
		blocks = append([]Block{{Impl: im, Old: im.Code, New: want}}, blocks...)
	}
	if len(blocks) == 0 {
		return data, nil, diags
	}
	out := []byte(strings.Join(lines, ""))
	if err := verify(path, data, out, blocks); err != nil {
		diags.Errorf(diag.Pos{File: path, Line: 1}, "formatting would change more than the pseudocode (%v); file left as it is", err)
		return data, nil, diags
	}
	return out, blocks, diags
}

// splitLines splits data after each newline, keeping the newlines.
func splitLines(data []byte) []string {
	var lines []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, string(data))
			break
		}
		lines = append(lines, string(data[:i+1]))
		data = data[i+1:]
	}
	return lines
}

func lineEnding(line string) string {
	if strings.HasSuffix(line, "\r\n") {
		return "\r\n"
	}
	return "\n"
}

// matches reports whether file lines hold the code lines at the indent.
func matches(fileLines, code []string, indent int) bool {
	for i, c := range code {
		l := strings.TrimRight(fileLines[i], "\r\n")
		if c == "" && strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) < indent || l[indent:] != c {
			return false
		}
	}
	return true
}

// verify reads the rewritten file back: it must give the same analytic
// but for the rewritten code.
func verify(path string, before, after []byte, blocks []Block) error {
	format, _ := parser.FormatOf(path)
	a, _ := parser.Read(path, before, format)
	b, bd := parser.Read(path, after, format)
	if a == nil || b == nil || bd.HasErrors() {
		return fmt.Errorf("the result does not read back")
	}
	if len(a.Implementations) != len(b.Implementations) {
		return fmt.Errorf("implementations changed")
	}
	changed := map[int]string{}
	for _, blk := range blocks {
		for i := range a.Implementations {
			if a.Implementations[i].CodePos == blk.Impl.CodePos {
				changed[i] = blk.New
			}
		}
	}
	for i := range a.Implementations {
		x, y := a.Implementations[i], b.Implementations[i]
		wantCode := x.Code
		if c, ok := changed[i]; ok {
			wantCode = c
		}
		// The code as written, carriage returns aside (see File).
		if strings.ReplaceAll(y.Code, "\r\n", "\n") != strings.ReplaceAll(wantCode, "\r\n", "\n") || x.Name != y.Name || x.Type != y.Type || x.Description != y.Description {
			return fmt.Errorf("implementation %d reads back differently", i+1)
		}
	}
	if a.ID != b.ID || a.Title != b.Title || a.Description != b.Description || len(a.UnitTests) != len(b.UnitTests) ||
		len(a.Coverage) != len(b.Coverage) || len(a.TruePositives) != len(b.TruePositives) {
		return fmt.Errorf("the analytic reads back differently")
	}
	return nil
}
