package parser

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/suggest"
)

// tableSpec names a CAR table's columns, lower-cased, in the order the row
// readers index them.
type tableSpec struct {
	what string
	cols []string
}

var (
	coverageTable  = tableSpec{"ATT&CK detections", []string{"technique", "subtechnique(s)", "tactic(s)", "level of coverage"}}
	d3fendTable    = tableSpec{"D3FEND techniques", []string{"id", "name"}}
	dataModelTable = tableSpec{"data model references", []string{"object", "action", "field"}}
)

// readTable reads every GFM table of a section, mapping header cells to the
// spec's columns by name, so a reordered or misspelt header still reads.
func (r *mdReader) readTable(s *section, spec tableSpec, row func(cells []ast.Node, pos diag.Pos)) {
	for _, n := range s.nodes {
		t, ok := n.(*extast.Table)
		if !ok {
			r.unexpected(n, spec.what)
			continue
		}
		colOf := map[int]int{} // table column -> spec column
		i := 0
		for c := t.FirstChild().FirstChild(); c != nil; c, i = c.NextSibling(), i+1 {
			name := strings.ToLower(strings.TrimSpace(r.inlineText(c)))
			col, found := -1, false
			for j, want := range spec.cols {
				if name == want || strings.TrimSuffix(want, "(s)") == name || strings.TrimSuffix(want, "(s)")+"s" == name {
					col, found = j, true
				}
			}
			if !found {
				if near, ok := suggest.Closest(name, spec.cols, 3); ok {
					col, found = indexOf(spec.cols, near), true
				}
			}
			if !found {
				r.diags.Warnf(r.nodePos(t), "%s table: unknown column %q ignored", spec.what, name)
				continue
			}
			colOf[i] = col
		}
		for rw := t.FirstChild().NextSibling(); rw != nil; rw = rw.NextSibling() {
			cells := make([]ast.Node, len(spec.cols))
			i := 0
			for c := rw.FirstChild(); c != nil; c, i = c.NextSibling(), i+1 {
				if col, ok := colOf[i]; ok {
					cells[col] = c
				}
			}
			row(cells, r.nodePos(rw))
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

type cellLink struct{ text, dest string }

// cell returns a table cell's links and the text outside them.
func (r *mdReader) cell(c ast.Node) (links []cellLink, plain string) {
	if c == nil {
		return nil, ""
	}
	var b strings.Builder
	for n := c.FirstChild(); n != nil; n = n.NextSibling() {
		if l, ok := n.(*ast.Link); ok {
			links = append(links, cellLink{strings.TrimSpace(r.inlineText(l)), string(l.Destination)})
			continue
		}
		b.WriteString(r.inlineText(n))
	}
	return links, strings.TrimSpace(b.String())
}

// cellText is a cell's whole text, links included.
func (r *mdReader) cellText(c ast.Node) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace(r.inlineText(c))
}

// inlineText concatenates the text of an inline subtree.
func (r *mdReader) inlineText(n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(r.src.text))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// separatorWords are what a cell may hold beside its links.
var separatorWords = strings.NewReplacer(",", "", ";", "", "N/A", "", "n/a", "")

// leftover reports text outside a cell's links that carries meaning.
func (r *mdReader) leftover(plain, what string, pos diag.Pos) {
	rest := separatorWords.Replace(plain)
	if strings.TrimSpace(rest) != "" {
		r.diags.Warnf(pos, "%s: text %q outside links ignored", what, plain)
	}
}

var (
	techniqueRE = regexp.MustCompile(`(?i)/techniques/(T\d{4})(?:[/.](\d{3}))?`)
	tacticRE    = regexp.MustCompile(`(?i)/tactics/(TA\d{4})`)
	bareTechRE  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
)

func techniqueID(dest string) string {
	m := techniqueRE.FindStringSubmatch(dest)
	switch {
	case m == nil:
		return ""
	case m[2] != "":
		return strings.ToUpper(m[1]) + "." + m[2]
	}
	return strings.ToUpper(m[1])
}

func (r *mdReader) coverageRow(cells []ast.Node, pos diag.Pos) {
	c := analytic.Coverage{Pos: pos}
	links, plain := r.cell(cells[0])
	switch {
	case len(links) > 0:
		c.Technique = analytic.Ref{ID: techniqueID(links[0].dest), Name: links[0].text}
		if c.Technique.ID == "" {
			r.diags.Warnf(pos, "technique link %q is not an ATT&CK technique URL", links[0].dest)
		}
		if len(links) > 1 {
			r.diags.Warnf(pos, "technique cell has %d links; only the first is the technique", len(links))
		}
	case bareTechRE.MatchString(plain):
		c.Technique.ID = plain
	default:
		r.diags.Warnf(pos, "ATT&CK detections row names no technique (cell %q)", plain)
	}
	links, plain = r.cell(cells[1])
	r.leftover(plain, "subtechnique cell", pos)
	for _, l := range links {
		id := techniqueID(l.dest)
		if !strings.Contains(id, ".") {
			r.diags.Warnf(pos, "subtechnique link %q is not an ATT&CK subtechnique URL", l.dest)
			continue
		}
		c.Subtechniques = append(c.Subtechniques, analytic.Ref{ID: id, Name: l.text})
	}
	links, plain = r.cell(cells[2])
	r.leftover(plain, "tactic cell", pos)
	for _, l := range links {
		m := tacticRE.FindStringSubmatch(l.dest)
		if m == nil {
			r.diags.Warnf(pos, "tactic link %q is not an ATT&CK tactic URL", l.dest)
			continue
		}
		c.Tactics = append(c.Tactics, analytic.Ref{ID: strings.ToUpper(m[1]), Name: l.text})
	}
	c.Level = r.cellText(cells[3])
	r.a.Coverage = append(r.a.Coverage, c)
}

func (r *mdReader) d3fendRow(cells []ast.Node, pos diag.Pos) {
	m := analytic.D3FENDMapping{ID: r.cellText(cells[0]), Pos: pos}
	links, plain := r.cell(cells[1])
	if len(links) > 0 {
		m.Name = links[0].text
		dest := strings.TrimRight(links[0].dest, "/")
		m.IRI = dest[strings.LastIndexByte(dest, '/')+1:]
		if !strings.HasPrefix(m.IRI, "d3f:") {
			r.diags.Warnf(pos, "D3FEND link %q does not end in a d3f: IRI", links[0].dest)
		}
	} else {
		m.Name = plain
	}
	if m.ID == "" {
		r.diags.Warnf(pos, "D3FEND row has no ID")
	}
	r.a.D3FEND = append(r.a.D3FEND, m)
}

func (r *mdReader) dataModelRow(cells []ast.Node, pos diag.Pos) {
	ref := analytic.DataModelRef{
		Object: r.cellText(cells[0]),
		Action: r.cellText(cells[1]),
		Field:  r.cellText(cells[2]),
		Pos:    pos,
	}
	if ref.Object == "" || ref.Action == "" || ref.Field == "" {
		r.diags.Warnf(pos, "data model reference %q is incomplete", ref.String())
	}
	r.a.DataModelRefs = append(r.a.DataModelRefs, ref)
}
