// Package render writes analytic pages for a documentation site: each
// page as its source wrote it, with the queries cartrans generates from
// each pseudocode implementation placed after it, one implementation per
// target and profile, between markers the reader recognises
// (<!-- cartrans:generated … --> after the heading, <!-- cartrans:end -->
// after the code). Rendering a rendered page replaces the generated
// implementations and keeps everything else byte for byte, so render is
// idempotent; hand-written implementations are never touched. It also
// writes the site's index data and an ATT&CK Navigator layer.
package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/parser"
)

// Strip removes the generated implementations from a page's text: each
// from its heading through its end marker and the blank line after it.
func Strip(src []byte) []byte {
	lines := splitLines(src)
	var out [][]byte
	for i := 0; i < len(lines); i++ {
		if isHeading(lines[i], 4) && i+1 < len(lines) && bytes.HasPrefix(bytes.TrimSpace(lines[i+1]), []byte(parser.GeneratedMark)) {
			j := i + 1
			for j < len(lines) && string(bytes.TrimSpace(lines[j])) != parser.GeneratedEnd {
				j++
			}
			if j < len(lines) {
				if j+1 < len(lines) && len(bytes.TrimSpace(lines[j+1])) == 0 {
					j++
				}
				i = j
				continue
			}
		}
		out = append(out, lines[i])
	}
	return bytes.Join(out, nil)
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
		t := strings.TrimSpace(string(lines[i]))
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			if n := len(t) - len(strings.TrimLeft(t, t[:1])); n > 3 {
				fence = t[:n]
			}
			continue
		}
		if isHeading(lines[i], 4) {
			return i
		}
	}
	return len(lines)
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

// typeNames are the implementation types as CAR's pages write them.
var typeNames = map[string]string{"splunk": "Splunk", "eql": "EQL", "dnif": "DNIF", "logpoint": "LogPoint"}

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
			TypeAsWritten: typeNames[e.Target],
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
