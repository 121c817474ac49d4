package parser

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// gfmTables turns a paragraph holding a GitHub-flavoured table (a header
// row, a delimiter row of dashes and colons, body rows) into the table
// nodes of goldmark's extension/ast, which the reader walks. goldmark's
// own Table extension does the same, but its package also compiles the
// linkify and typographer extensions' expressions when a program starts,
// a fifth of a one-shot run's start-up; CAR's pages need only tables. It
// is a paragraph transformer, goldmark's extension point for blocks that
// look like paragraphs until their second line: cells keep their source
// segments, so goldmark parses their inline content (links) afterwards.
//
// As GFM and goldmark read them: cells are split at "|" not preceded by a
// backslash, and trimmed; the outer pipes are optional; a body row's cells
// beyond the header's are dropped and missing ones are empty. Not kept
// from goldmark: "\|" inside a code span in a cell stays "\|" (CAR's
// tables have no code spans).
type gfmTables struct{}

func (gfmTables) Transform(p *ast.Paragraph, reader text.Reader, pc gmparser.Context) {
	lines := p.Lines()
	src := reader.Source()
	for i := 1; i < lines.Len(); i++ {
		delim := lines.At(i)
		aligns := delimiterRow(delim.Value(src))
		if aligns == nil {
			continue
		}
		header := tableRow(src, lines.At(i-1), aligns, true)
		if header.ChildCount() != len(aligns) {
			return
		}
		table := extast.NewTable()
		table.Alignments = aligns
		table.SetPos(p.Pos())
		table.AppendChild(table, extast.NewTableHeader(header))
		for j := i + 1; j < lines.Len(); j++ {
			table.AppendChild(table, tableRow(src, lines.At(j), aligns, false))
		}
		parent := p.Parent()
		parent.InsertAfter(parent, p, table)
		// The lines before the header stay a paragraph, without the
		// newline that ended them.
		lines.SetSliced(0, i-1)
		if lines.Len() == 0 {
			parent.RemoveChild(parent, p)
			return
		}
		last := lines.At(lines.Len() - 1)
		last.Stop--
		lines.Set(lines.Len()-1, last)
		return
	}
}

// delimiterRow reads a table's second line, "| :-- | --: | :-: | --- |",
// as the columns' alignments, or nil when it is not one.
func delimiterRow(line []byte) []extast.Alignment {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || bytes.IndexByte(line, '-') < 0 || len(bytes.Trim(line, "|:- \t")) > 0 {
		return nil
	}
	cols := bytes.Split(line, []byte("|"))
	if len(bytes.TrimSpace(cols[0])) == 0 {
		cols = cols[1:]
	}
	if len(cols) > 0 && len(bytes.TrimSpace(cols[len(cols)-1])) == 0 {
		cols = cols[:len(cols)-1]
	}
	var aligns []extast.Alignment
	for _, c := range cols {
		c = bytes.TrimSpace(c)
		left, right := bytes.HasPrefix(c, []byte(":")), bytes.HasSuffix(c, []byte(":"))
		dashes := bytes.Trim(c, ":")
		if len(dashes) == 0 || len(bytes.Trim(dashes, "-")) > 0 || (left && len(c) == 1) {
			return nil
		}
		switch {
		case left && right:
			aligns = append(aligns, extast.AlignCenter)
		case left:
			aligns = append(aligns, extast.AlignLeft)
		case right:
			aligns = append(aligns, extast.AlignRight)
		default:
			aligns = append(aligns, extast.AlignNone)
		}
	}
	return aligns
}

// tableRow splits one line into cells, each holding its trimmed source
// segment for goldmark's inline parser.
func tableRow(src []byte, line text.Segment, aligns []extast.Alignment, header bool) *extast.TableRow {
	row := extast.NewTableRow(aligns)
	row.SetPos(line.Start)
	seg := line.TrimLeftSpace(src)
	seg = seg.TrimRightSpace(src)
	start, end := seg.Start, seg.Stop
	if start < end && src[start] == '|' {
		start++
	}
	if start < end && src[end-1] == '|' {
		end--
	}
	n := 0
	for at := start; at < end; n++ {
		if n >= len(aligns) && !header {
			break // a body row's extra cells are dropped
		}
		stop := at
		for stop < end && !(src[stop] == '|' && (stop == seg.Start || src[stop-1] != '\\')) {
			stop++
		}
		cell := extast.NewTableCell()
		if n < len(aligns) {
			cell.Alignment = aligns[n]
		}
		cell.SetPos(at - line.Padding)
		content := text.NewSegment(at, stop)
		content = content.TrimLeftSpace(src)
		cell.Lines().Append(content.TrimRightSpace(src))
		row.AppendChild(row, cell)
		at = stop + 1
	}
	for ; n < len(aligns); n++ {
		row.AppendChild(row, extast.NewTableCell())
	}
	return row
}
