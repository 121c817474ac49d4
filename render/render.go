// Package render writes analytic pages for a documentation site: each
// page as its source wrote it, with the queries cartrans generates from
// each pseudocode implementation placed after it, one implementation per
// target and profile, between markers the reader recognises
// (<!-- cartrans:generated … --> after the heading, <!-- cartrans:end -->
// after the code). Rendering a rendered page replaces the generated
// implementations and keeps everything else byte for byte, so render is
// idempotent; hand-written implementations are never touched. It also
// writes the site's index data and an ATT&CK Navigator layer; Site runs
// the whole render of a site (`cartrans render` is flags around it).
package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/parser"
)

// Strip removes the generated implementations from a page's text: each
// from its heading through its end marker and the blank line after it.
// The marks must pair up, outside code fences, as render writes them: a
// generated mark right after an implementation's heading, then its end
// mark before the next generated mark. Otherwise the page is not the one
// render wrote (an end mark deleted by hand, say), and removing up to the
// next end mark would remove hand-written text with it, so an unpaired
// mark is an error naming its line (file is the page's name for it), and
// the page must be left as it is.
func Strip(file string, src []byte) ([]byte, error) {
	lines := splitLines(src)
	var out [][]byte
	fence := ""
	open := -1 // the heading line of the generated implementation open
	kept := 0  // len(out) before that heading
	for i, l := range lines {
		t := strings.TrimSpace(string(l))
		var inFence bool
		if fence, inFence = fenceAt(fence, t); !inFence {
			switch {
			case strings.HasPrefix(t, parser.GeneratedMark):
				if open >= 0 {
					return nil, fmt.Errorf("%s:%d: the generated implementation has no %s before the next one, at line %d; the page is left as it is", file, open+2, parser.GeneratedEnd, i+1)
				}
				if i == 0 || !isHeading(lines[i-1], 4) {
					return nil, fmt.Errorf("%s:%d: %s… is not right after an implementation's heading; the page is left as it is", file, i+1, parser.GeneratedMark)
				}
				open, kept = i-1, len(out)-1
				continue
			case t == parser.GeneratedEnd:
				if open < 0 {
					return nil, fmt.Errorf("%s:%d: %s without a %s… before it; the page is left as it is", file, i+1, parser.GeneratedEnd, parser.GeneratedMark)
				}
				// Drop what was kept from the heading on, and the
				// blank line after the end mark.
				out, open = out[:kept], -1
				if i+1 < len(lines) && len(bytes.TrimSpace(lines[i+1])) == 0 {
					lines[i+1] = nil
				}
				continue
			}
		}
		if l != nil {
			out = append(out, l)
		}
	}
	if open >= 0 {
		return nil, fmt.Errorf("%s:%d: the generated implementation has no %s; the page is left as it is", file, open+2, parser.GeneratedEnd)
	}
	return bytes.Join(out, nil), nil
}

// Page is an analytic page with generated implementations: src is the
// page's text, read (without its generated implementations) into a, and
// generated are the new ones by the index in a.Implementations of the
// pseudocode they come from. Each goes after its pseudocode's block.
func Page(src []byte, a *analytic.Analytic, generated map[int][]analytic.Implementation) []byte {
	lines := splitLines(src)
	if len(lines) > 0 && !bytes.HasSuffix(lines[len(lines)-1], []byte("\n")) {
		lines[len(lines)-1] = append(append([]byte(nil), lines[len(lines)-1]...), '\n')
	}
	inserts := map[int][]byte{} // before line index
	for i, im := range a.Implementations {
		gen := generated[i]
		if len(gen) == 0 || im.Pos.Line < 1 {
			continue
		}
		at := blockEnd(lines, im.Pos.Line-1)
		for _, g := range gen {
			inserts[at] = append(inserts[at], implementation(g)...)
		}
	}
	var b bytes.Buffer
	for i, l := range lines {
		b.Write(inserts[i])
		b.Write(l)
	}
	b.Write(inserts[len(lines)])
	return b.Bytes()
}

// blockEnd is the line after an implementation that begins at line
// start: the next heading of level 4 or less outside code fences.
func blockEnd(lines [][]byte, start int) int {
	fence := ""
	for i := start + 1; i < len(lines); i++ {
		var inFence bool
		if fence, inFence = fenceAt(fence, strings.TrimSpace(string(lines[i]))); inFence {
			continue
		}
		if isHeading(lines[i], 4) {
			return i
		}
	}
	return len(lines)
}

// fenceAt follows code fences line by line: given the fence open before
// a line ("" for none) and the line trimmed, it returns the fence open
// after it, and whether the line is in a fence (code, or a fence line).
func fenceAt(fence, t string) (string, bool) {
	if fence != "" {
		if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
			return "", true
		}
		return fence, true
	}
	if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
		return t[:len(t)-len(strings.TrimLeft(t, t[:1]))], true
	}
	return "", false
}

// isHeading reports an ATX heading of level at most max.
func isHeading(line []byte, max int) bool {
	t := bytes.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	return n >= 1 && n <= max && (n == len(t) || t[n] == ' ' || t[n] == '\t' || t[n] == '\n' || t[n] == '\r')
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// implementation writes a generated implementation: its heading (name,
// type and data model, as the reader reads them), the marker, its note,
// the code, the end marker, a blank line.
func implementation(im analytic.Implementation) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "#### %s (%s, %s)\n", im.Name, im.TypeAsWritten, im.DataModel)
	fmt.Fprintf(&b, "%s: do not edit; cartrans render rewrites it -->\n\n", parser.GeneratedMark)
	if im.Description != "" {
		b.WriteString(im.Description + "\n\n")
	}
	fence := "```"
	for strings.Contains(im.Code, fence) {
		fence += "`"
	}
	fmt.Fprintf(&b, "%s\n%s\n%s\n%s\n\n", fence, im.Code, fence, parser.GeneratedEnd)
	return b.Bytes()
}

// Generated makes the implementations of an analytic's translations: for
// each entry translated (exactly or approximately), one implementation
// holding its queries, by the index of the pseudocode it comes from.
func Generated(a *analytic.Analytic, entries []convert.Entry) map[int][]analytic.Implementation {
	out := map[int][]analytic.Implementation{}
	for _, e := range entries {
		if e.Unit == nil || e.Unit.Analytic != a || e.Fidelity == backends.NotDone {
			continue
		}
		src := e.Implementation
		if src == "" {
			src = "Pseudocode"
		}
		var queries []string
		for _, q := range e.Queries {
			queries = append(queries, q.Query)
		}
		im := analytic.Implementation{
			Name:          src + " → " + e.Target,
			Type:          analytic.ImplType(e.Target),
			TypeAsWritten: all.Display(e.Target), // as CAR's pages write the type
			DataModel:     "cartrans " + e.Profile + " profile",
			Code:          strings.Join(queries, "\n"),
			Generated:     true,
		}
		if e.Fidelity == backends.Approximate {
			im.Description = "Approximate: " + strings.TrimPrefix(e.Reason, "approximate: ")
		}
		out[e.Unit.Impl] = append(out[e.Unit.Impl], im)
	}
	return out
}
