package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/adrg/frontmatter"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/suggest"
)

// The markdown reader follows the page layout of MITRE's CAR site: YAML
// front matter, the description, then "###" sections whose "####"
// subsections are implementations, test cases and true positives.

// markdownParser is goldmark's CommonMark parser with GFM tables, the only
// extension CAR's pages use (gfmtable.go), built on first use, within the
// bounds below. It is safe for concurrent use.
var markdownParser = sync.OnceValue(func() gmparser.Parser {
	var blocks []util.PrioritizedValue
	for _, b := range gmparser.DefaultBlockParsers() {
		if k := b.Value.(gmparser.BlockParser); isContainerParser(k) {
			b.Value = nestingBound{k}
		}
		blocks = append(blocks, b)
	}
	var inlines []util.PrioritizedValue
	for _, in := range gmparser.DefaultInlineParsers() {
		in.Value = inlineBound{in.Value.(gmparser.InlineParser)}
		inlines = append(inlines, in)
	}
	return gmparser.NewParser(
		gmparser.WithBlockParsers(blocks...),
		gmparser.WithInlineParsers(inlines...),
		gmparser.WithParagraphTransformers(append(gmparser.DefaultParagraphTransformers(),
			util.Prioritized(gfmTables{}, 200))...),
	)
})

// The time goldmark spends on a page is bounded by the limits below. Without
// them it is quadratic in the length of some inputs: block quotes or
// lists nested as deep as a line is long (">>>>…", "- - - …": each level
// measures the line from its start again), and inline markup that never
// closes ("*a_*a_…" emphasis, "[a](" links: each opening scans the rest).
// A page of 128 KB of one of those took seconds, one of 4 MiB minutes.
const (
	// MaxNesting is how deep block quotes and lists may nest. The
	// markers of a deeper one are read as the text of the one they are
	// in, and the reader warns.
	MaxNesting = 16
	// MaxInline is the length of the longest heading or table cell whose
	// inline markup (links, code, emphasis) is read; a longer one is read
	// as the text it is written as, and the reader warns. The reader
	// takes everything else (descriptions, lists, code) from the source
	// text, so it parses no other inline markup at all.
	MaxInline = 1 << 10
	// MaxInlineTotal is how many bytes of headings and table cells of a
	// page have their inline markup read; those after are read as text,
	// and the reader warns. With MaxInline it bounds the quadratic part
	// to a fraction of a second a page. CAR's pages have a few KB.
	MaxInlineTotal = 256 << 10
)

// isContainerParser reports goldmark's parsers of block quotes, lists and
// list items, the blocks that nest.
func isContainerParser(p gmparser.BlockParser) bool {
	switch string(p.Trigger()) {
	case ">", "-+*0123456789":
		return true
	}
	return false
}

// tooDeepKey holds, in goldmark's parse context, the offset of the first
// block quote or list nested deeper than MaxNesting.
var tooDeepKey = gmparser.NewContextKey()

// nestingBound is a block quote, list or list item parser that opens no
// block nested deeper than MaxNesting.
type nestingBound struct{ gmparser.BlockParser }

func (p nestingBound) Open(parent ast.Node, reader text.Reader, pc gmparser.Context) (ast.Node, gmparser.State) {
	// The items of a list (what the list item parser, which this also
	// wraps, opens) are as deep as their list.
	from := parent
	if from.Kind() == ast.KindList {
		from = from.Parent()
	}
	depth := 0
	for n := from; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			depth++
		}
	}
	if depth < MaxNesting {
		return p.BlockParser.Open(parent, reader, pc)
	}
	// The parser is asked all the same, for the state it keeps between
	// calls; what it opens is dropped and its input given back.
	line, seg := reader.Position()
	n, state := p.BlockParser.Open(parent, reader, pc)
	if n == nil {
		return nil, state
	}
	reader.SetPosition(line, seg)
	if pc.Get(tooDeepKey) == nil {
		pc.Set(tooDeepKey, seg.Start)
	}
	return nil, gmparser.NoChildren
}

// inlineBound is an inline parser that parses only headings and table
// cells (the inline markup the model reads: links), and only within
// MaxInline and MaxInlineTotal.
type inlineBound struct{ gmparser.InlineParser }

// inlineKey holds, in goldmark's parse context, the *inlineState of a
// page.
var inlineKey = gmparser.NewContextKey()

// inlineState is what the inline parsers have parsed of a page, and what
// they have not.
type inlineState struct {
	block   ast.Node // the block being parsed (goldmark parses one at a time)
	parse   bool     // whether its inline markup is parsed
	used    int      // bytes of the blocks parsed so far
	tooLong []ast.Node
	over    ast.Node // the first block past MaxInlineTotal
}

func (p inlineBound) Parse(parent ast.Node, block text.Reader, pc gmparser.Context) ast.Node {
	st, ok := pc.Get(inlineKey).(*inlineState)
	if !ok {
		st = &inlineState{}
		pc.Set(inlineKey, st)
	}
	if parent != st.block {
		st.block, st.parse = parent, false
		switch k, l := parent.Kind(), inlineLen(parent); {
		case k != ast.KindHeading && k != extast.KindTableCell:
		case l > MaxInline:
			st.tooLong = append(st.tooLong, parent)
		case st.over != nil:
		case st.used+l > MaxInlineTotal:
			st.over = parent
		default:
			st.used += l
			st.parse = true
		}
	}
	if !st.parse {
		return nil
	}
	return p.InlineParser.Parse(parent, block, pc)
}

// CloseBlock passes the end of a block on to the parsers that keep state
// across it (links).
func (p inlineBound) CloseBlock(parent ast.Node, block text.Reader, pc gmparser.Context) {
	if c, ok := p.InlineParser.(gmparser.CloseBlocker); ok {
		c.CloseBlock(parent, block, pc)
	}
}

// inlineLen is the length of a block's inline content in the source.
func inlineLen(n ast.Node) int {
	lines := n.Lines()
	if lines.Len() == 0 {
		return 0
	}
	return lines.At(lines.Len()-1).Stop - lines.At(0).Start
}

// sectionKind is a "###" section of a CAR page.
type sectionKind int

const (
	secDescription sectionKind = iota
	secCoverage
	secD3FEND
	secDataModel
	secImplementations
	secUnitTests
	secTruePositives
	secOutput
	secReferences
	secUnknown
)

// sectionNames are the headings CAR uses, lower-cased.
var sectionNames = map[string]sectionKind{
	"att&ck detections":     secCoverage,
	"att&ck detection":      secCoverage,
	"d3fend techniques":     secD3FEND,
	"d3fend mappings":       secD3FEND,
	"data model references": secDataModel,
	"implementations":       secImplementations,
	"unit tests":            secUnitTests,
	"true positives":        secTruePositives,
	"output description":    secOutput,
	"references":            secReferences,
}

var sectionList = slices.Sorted(maps.Keys(sectionNames))

// titleRE splits a page title into the CAR ID and the title proper.
var titleRE = regexp.MustCompile(`^\s*(CAR-\d{4}-\d{2}-\d{3})\s*[:\-–]\s*(.*?)\s*$`)

// ReadMarkdown reads one CAR analytic page. It returns nil when the text is
// not an analytic at all; otherwise the analytic with whatever it could
// read, and the diagnostics.
func ReadMarkdown(file string, data []byte) (*analytic.Analytic, diag.List) {
	r := &mdReader{src: newSource(file, data)}
	if !checkText(r.src, &r.diags) {
		return nil, r.diags
	}
	if bytes.HasPrefix(data, []byte(IndexMark)) {
		// A site index render wrote beside the pages: reading a
		// rendered site reads its analytics, not this page.
		r.diags.Add(diag.Pos{File: file, Line: 1, Col: 1}, diag.Info, "a cartrans index page, not an analytic: skipped")
		return nil, r.diags
	}
	a := r.read()
	if a != nil {
		validate(a, &r.diags)
	}
	return a, r.diags
}

type mdReader struct {
	src   *source
	diags diag.List
	a     *analytic.Analytic
}

func (r *mdReader) read() *analytic.Analytic {
	fmStart, fmEnd, bodyOff, ok := r.frontMatter()
	if !ok {
		return nil
	}
	r.a = &analytic.Analytic{Format: analytic.FormatMarkdown, Pos: r.src.line(fmStart + 1)}
	if !r.readFrontMatter(fmStart, fmEnd) {
		return nil
	}
	// Parse the body in place, with the front matter blanked out, so that
	// every goldmark offset is an offset into the file.
	body := bytes.Clone(r.src.text)
	for i := range bodyOff {
		if body[i] != '\n' {
			body[i] = ' '
		}
	}
	pc := gmparser.NewContext()
	doc := markdownParser().Parse(text.NewReader(body), gmparser.WithContext(pc))
	r.checkBounds(pc)
	r.readBody(doc)
	return r.a
}

// checkBounds warns of what the bounds on goldmark (MaxNesting,
// MaxInline, MaxInlineTotal) made the reader read as plain text.
func (r *mdReader) checkBounds(pc gmparser.Context) {
	if off, ok := pc.Get(tooDeepKey).(int); ok {
		r.diags.Warnf(r.src.pos(off), "block quotes or lists nested deeper than %d levels: the deeper markers are read as text", MaxNesting)
	}
	st, ok := pc.Get(inlineKey).(*inlineState)
	if !ok {
		return
	}
	what := func(n ast.Node) string {
		if n.Kind() == extast.KindTableCell {
			return "table cell"
		}
		return "heading"
	}
	for _, n := range st.tooLong {
		r.diags.Warnf(r.src.pos(n.Lines().At(0).Start), "%s of %d bytes, longer than %d: its links and other markup are read as plain text",
			what(n), inlineLen(n), MaxInline)
	}
	if n := st.over; n != nil {
		r.diags.Warnf(r.src.pos(n.Lines().At(0).Start), "headings and table cells past the first %d bytes of them: their links and other markup are read as plain text, from this %s on",
			MaxInlineTotal, what(n))
	}
}

// msgNoFrontMatter is the error for a page without front matter, which
// Load reads as "not an analytic" in a folder it walks (a README).
const msgNoFrontMatter = "no front matter: a CAR analytic page begins with a YAML block between '---' lines (is this a CAR analytic?)"

// frontMatter locates the front matter: the 0-based lines of its opening
// and closing "---", and the offset where the body begins. The extraction
// itself is adrg/frontmatter's; this function finds what went wrong when
// it finds nothing, which that package does not say.

func (r *mdReader) frontMatter() (open, close, bodyOff int, ok bool) {
	open = -1
	for i := range r.src.lines {
		line := strings.TrimSpace(string(r.lineText(i)))
		if open < 0 {
			if line == "" {
				continue
			}
			if line != "---" {
				r.diags.Errorf(r.src.line(i+1), "%s", msgNoFrontMatter)
				return 0, 0, 0, false
			}
			open = i
			continue
		}
		if line == "---" {
			close = i
			break
		}
	}
	if open < 0 {
		r.diags.Errorf(r.src.line(1), "empty file: not a CAR analytic")
		return 0, 0, 0, false
	}
	if close <= open {
		r.diags.Errorf(r.src.line(open+1), "unterminated front matter: no closing '---' for the block opened here")
		return 0, 0, 0, false
	}
	// adrg/frontmatter reads its input to the end to return the rest:
	// it is given the page up to the closing line only, since the body
	// is parsed in place.
	end := len(r.src.text)
	if close+1 < len(r.src.lines) {
		end = r.src.lines[close+1]
	}
	rest, err := frontmatter.MustParse(bytes.NewReader(r.src.text[:end]), nil, frontMatterFormat)
	if err != nil {
		r.diags.Errorf(r.src.line(open+1), "front matter: %v", err)
		return 0, 0, 0, false
	}
	return open, close, end - len(rest), true
}

// frontMatterFormat is YAML between "---" lines, left undecoded: the
// reader decodes it with yaml.v3, for positions.
var frontMatterFormat = frontmatter.NewFormat("---", "---", func([]byte, any) error { return nil })

// lineText returns line i (0-based) without its newline.
func (r *mdReader) lineText(i int) []byte {
	start := r.src.lines[i]
	end := len(r.src.text)
	if i+1 < len(r.src.lines) {
		end = r.src.lines[i+1] - 1
	}
	return r.src.text[start:end]
}

func (r *mdReader) readFrontMatter(open, close int) bool {
	fm := r.src.text[r.src.lines[open+1]:r.src.lines[close]]
	y := &yamlDoc{src: r.src, lineOff: open + 1, diags: &r.diags}
	root, ok := y.parse(fm)
	if !ok {
		return false
	}
	a := r.a
	// Diagnostics about the keys of a page that turns out not to be an
	// analytic say nothing useful: only the verdict is kept.
	before := len(r.diags)
	var titlePos diag.Pos
	var idFromTitle string
	ok = y.mapping(root, "front matter", func(key string, k, v *yaml.Node) {
		what := "front matter " + key
		switch key {
		case "title":
			titlePos = y.pos(v)
			t := strings.TrimSpace(y.str(v, what))
			if m := titleRE.FindStringSubmatch(t); m != nil {
				idFromTitle, t = m[1], m[2]
			}
			a.Title = t
			a.Pos = titlePos
		case "id":
			a.ID = strings.TrimSpace(y.str(v, what))
		case "layout":
			if l := y.str(v, what); l != "analytic" {
				r.diags.Warnf(y.pos(v), "front matter layout is %q, not \"analytic\"", l)
			}
		case "submission_date":
			a.Submitted = y.date(v, what)
		case "update_date":
			a.Updated = y.date(v, what)
		case "information_domain":
			a.InformationDomain = y.strList(v, what, true)
		case "subtypes":
			a.Subtypes = y.strList(v, what, true)
		case "analytic_type", "analytic_types":
			a.AnalyticTypes = y.strList(v, what, true)
		case "contributors":
			a.Contributors = y.strList(v, what, true)
		case "applicable_platforms", "platforms":
			a.Platforms = platforms(y.strList(v, what, true))
		default:
			r.diags.Warnf(y.pos(k), "unknown front matter key %q ignored", key)
		}
	})
	if !ok {
		return false
	}
	switch {
	case a.ID == "" && idFromTitle != "":
		a.ID = idFromTitle
	case a.ID != "" && idFromTitle != "" && a.ID != idFromTitle:
		r.diags.Errorf(titlePos, "title names %s but the front matter id is %s", idFromTitle, a.ID)
	}
	if a.ID == "" && a.Title == "" {
		r.diags = r.diags[:before]
		r.diags.Errorf(r.src.line(open+1), "front matter has no title and no id: not a CAR analytic")
		return false
	}
	return true
}

// date reads a YYYY/MM/DD date.
func (y *yamlDoc) date(n *yaml.Node, what string) analytic.Date {
	s := y.str(n, what)
	if strings.TrimSpace(s) == "" {
		return analytic.Date{}
	}
	d, err := analytic.ParseDate(s)
	if err != nil {
		y.diags.Errorf(y.pos(n), "%s: %v", what, err)
	}
	return d
}

// section is a "###" heading and the blocks under it.
type section struct {
	kind    sectionKind
	heading *ast.Heading // nil for the description before the first heading
	nodes   []ast.Node
	next    ast.Node // the block after the section, nil at the end
}

func (r *mdReader) readBody(doc ast.Node) {
	var secs []*section
	cur := &section{kind: secDescription}
	secs = append(secs, cur)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 3 {
			cur.next = n
			cur = &section{kind: r.sectionKind(h), heading: h}
			secs = append(secs, cur)
			continue
		}
		cur.nodes = append(cur.nodes, n)
	}
	seen := map[sectionKind]*ast.Heading{}
	for _, s := range secs {
		if s.heading != nil && s.kind != secUnknown {
			if prev, dup := seen[s.kind]; dup {
				r.diags.Warnf(r.nodePos(s.heading), "section %q appears again (first at line %d); its contents are added to the first",
					r.headingText(s.heading), r.nodePos(prev).Line)
			}
			seen[s.kind] = s.heading
		}
		r.readSection(s)
	}
}

func (r *mdReader) sectionKind(h *ast.Heading) sectionKind {
	name := strings.ToLower(r.headingText(h))
	if k, ok := sectionNames[name]; ok {
		return k
	}
	if near, ok := suggest.Closest(name, sectionList, 2); ok {
		r.diags.Warnf(r.nodePos(h), "section heading %q read as %q", r.headingText(h), near)
		return sectionNames[near]
	}
	r.diags.Warnf(r.nodePos(h), "unknown section %q: its contents are not part of the model", r.headingText(h))
	return secUnknown
}

func (r *mdReader) readSection(s *section) {
	switch s.kind {
	case secDescription:
		r.readDescription(s)
	case secCoverage:
		r.readTable(s, coverageTable, r.coverageRow)
	case secD3FEND:
		r.readTable(s, d3fendTable, r.d3fendRow)
	case secDataModel:
		r.readTable(s, dataModelTable, r.dataModelRow)
	case secImplementations:
		r.readSubsections(s, r.implementation)
	case secUnitTests:
		r.readSubsections(s, r.unitTest)
	case secTruePositives:
		r.readSubsections(s, r.truePositive)
	case secOutput:
		r.a.OutputDescription = joinText(r.a.OutputDescription, r.raw(s.nodes, s.next))
	case secReferences:
		r.a.References = append(r.a.References, r.references(s.nodes)...)
	}
}

// readDescription reads the text before the first section. CAR's pages put
// a "#### References" subsection at its end.
func (r *mdReader) readDescription(s *section) {
	nodes, next := s.nodes, s.next
	for i, n := range nodes {
		if h, ok := n.(*ast.Heading); ok && strings.EqualFold(r.headingText(h), "references") {
			r.a.References = append(r.a.References, r.references(nodes[i+1:])...)
			nodes, next = nodes[:i], h
			break
		}
	}
	d := r.raw(nodes, next)
	// CAR's site template opens every description with "<br><br>".
	d = strings.TrimSpace(strings.TrimPrefix(d, "<br><br>"))
	r.a.Description = joinText(r.a.Description, d)
}

// references reads one reference per line of paragraphs, or per list item.
var listMarkerRE = regexp.MustCompile(`^(?:[-*+]|\d+[.)])[ \t]+`)

func (r *mdReader) references(nodes []ast.Node) []string {
	var refs []string
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Paragraph:
			for _, line := range strings.Split(r.raw([]ast.Node{n}, n.NextSibling()), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					refs = append(refs, line)
				}
			}
		case *ast.List:
			for it := n.FirstChild(); it != nil; it = it.NextSibling() {
				// An item's text ends where the next item, or what
				// follows the list, begins.
				end := it.NextSibling()
				if end == nil {
					end = n.NextSibling()
				}
				// The item's text, without its list marker.
				t := listMarkerRE.ReplaceAllString(strings.TrimSpace(r.raw(children(it), end)), "")
				if t != "" {
					refs = append(refs, t)
				}
			}
		case *ast.Heading:
			r.diags.Warnf(r.nodePos(n), "heading %q inside the references ignored", r.headingText(n))
		default:
			r.unexpected(n, "references")
		}
	}
	return refs
}

// readSubsections splits a section at its "####" headings and hands each
// to fn. Blocks before the first such heading go to fn as a subsection
// without a heading when there are any.
func (r *mdReader) readSubsections(s *section, fn func(h *ast.Heading, nodes []ast.Node)) {
	var h *ast.Heading
	var nodes []ast.Node
	flush := func() {
		if h != nil || len(nodes) > 0 {
			fn(h, nodes)
		}
	}
	for _, n := range s.nodes {
		if hh, ok := n.(*ast.Heading); ok && hh.Level == 4 {
			flush()
			h, nodes = hh, nil
			continue
		}
		nodes = append(nodes, n)
	}
	flush()
}

func (r *mdReader) implementation(h *ast.Heading, nodes []ast.Node) {
	im := analytic.Implementation{Pos: r.sectionPos(h, nodes)}
	if h == nil {
		r.diags.Warnf(im.Pos, "implementation without a \"####\" heading: its type is unknown")
		im.Type = analytic.Other
	} else {
		head := r.headingText(h)
		name, typ, dm, ok := implHeading(head)
		im.Name, im.TypeAsWritten, im.DataModel = name, typ, dm
		if !ok {
			r.diags.Warnf(im.Pos, "implementation heading %q names no type; expected \"<name> (<Type>, <data model>)\" or \"<Type>, <data model>\"", head)
		}
		im.Type = normImplTypeDiag(typ, im.Pos, &r.diags)
	}
	var desc []ast.Node
	code := 0
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			code++
			if code == 1 {
				im.Code, im.CodePos, im.CodeIndent = r.code(n)
			} else {
				r.diags.Errorf(r.nodePos(n), "implementation %q has a second code block; write each implementation under its own \"####\" heading", implLabel(im))
			}
		case *ast.HTMLBlock:
			switch text := strings.TrimSpace(r.blockText(n)); {
			case strings.HasPrefix(text, GeneratedMark):
				im.Generated = true
			case text == GeneratedEnd:
			default:
				desc = append(desc, n)
			}
		case *ast.Paragraph, *ast.List, *ast.Blockquote, *ast.Heading:
			desc = append(desc, n)
		default:
			r.unexpected(n, "implementation")
		}
	}
	im.Description = r.rawRuns(desc)
	if code == 0 {
		noCode(im, &r.diags)
	}
	r.a.Implementations = append(r.a.Implementations, im)
}

// The markers around an implementation `cartrans render` wrote: the
// reader marks it Generated, and render replaces it.
const (
	GeneratedMark = "<!-- cartrans:generated"
	GeneratedEnd  = "<!-- cartrans:end -->"
	// IndexMark opens the index page render writes; the reader skips
	// such a page.
	IndexMark = "<!-- cartrans:index -->"
)

// blockText is the source text of a block node.
func (r *mdReader) blockText(n ast.Node) string {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(r.src.text))
	}
	return b.String()
}

func implLabel(im analytic.Implementation) string {
	if im.Name != "" {
		return im.Name
	}
	return im.TypeAsWritten
}

var configurationsRE = regexp.MustCompile(`^\s*\*\*\s*Configurations?\s*:?\s*\*\*\s*:?`)

func (r *mdReader) unitTest(h *ast.Heading, nodes []ast.Node) {
	ut := analytic.UnitTest{Pos: r.sectionPos(h, nodes)}
	if h != nil {
		ut.Name = r.headingText(h)
	}
	var desc []ast.Node
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			code, _, _ := r.code(n)
			for _, line := range strings.Split(code, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					ut.Commands = append(ut.Commands, line)
				}
			}
		case *ast.Paragraph:
			t := r.raw([]ast.Node{n}, n.NextSibling())
			if loc := configurationsRE.FindStringIndex(t); loc != nil {
				ut.Configurations = append(ut.Configurations, splitList(t[loc[1]:])...)
				continue
			}
			desc = append(desc, n)
		case *ast.List, *ast.Blockquote, *ast.HTMLBlock, *ast.Heading:
			desc = append(desc, n)
		default:
			r.unexpected(n, "test case")
		}
	}
	ut.Description = r.rawRuns(desc)
	r.a.UnitTests = append(r.a.UnitTests, ut)
}

func (r *mdReader) truePositive(h *ast.Heading, nodes []ast.Node) {
	tp := analytic.TruePositive{Pos: r.sectionPos(h, nodes)}
	if h != nil {
		tp.Name = r.headingText(h)
	}
	var desc []ast.Node
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Heading:
			// "##### [Full Event](/true_positives/….json)" and
			// "##### Event Snippet" label what follows.
			t := strings.ToLower(r.headingText(n))
			if l := firstLink(n); l != nil {
				// "##### [Event Snippet](file)" names the snippet's file
				// when the page does not hold the snippet (a page written
				// from CAR's YAML form); any other link is the full event.
				if strings.EqualFold(strings.TrimSpace(r.inlineText(l)), "event snippet") {
					tp.EventFile = string(l.Destination)
				} else {
					tp.FullEvent = string(l.Destination)
				}
			} else if t != "event snippet" && t != "event" {
				r.diags.Warnf(r.nodePos(n), "heading %q in a true positive ignored", r.headingText(n))
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if tp.Event != nil {
				r.diags.Errorf(r.nodePos(n), "true positive %q has a second event snippet; give each its own \"####\" heading", tp.Name)
				continue
			}
			code, pos, _ := r.code(n)
			tp.Event = r.event(code, n, pos)
		case *ast.Paragraph, *ast.List, *ast.Blockquote, *ast.HTMLBlock:
			desc = append(desc, n)
		default:
			r.unexpected(n, "true positive")
		}
	}
	tp.Description = r.rawRuns(desc)
	r.a.TruePositives = append(r.a.TruePositives, tp)
}

// event parses an event snippet as one JSON object, keeping numbers exact.
func (r *mdReader) event(code string, n ast.Node, pos diag.Pos) map[string]any {
	dec := json.NewDecoder(strings.NewReader(code))
	dec.UseNumber()
	var ev map[string]any
	err := dec.Decode(&ev)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = fmt.Errorf("text after the JSON object")
		}
	}
	if err != nil {
		off := int(dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		r.diags.Errorf(r.codeOffsetPos(n, off, pos), "event snippet is not a JSON object: %v", err)
		return nil
	}
	if ev == nil {
		r.diags.Errorf(pos, "event snippet is null, not a JSON object")
	}
	return ev
}

// codeOffsetPos maps an offset in a code block's text to a file position.
func (r *mdReader) codeOffsetPos(n ast.Node, off int, fallback diag.Pos) diag.Pos {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		l := seg.Len() + seg.Padding
		if off <= l || i == lines.Len()-1 {
			return r.src.pos(seg.Start + max(min(off, l)-seg.Padding, 0))
		}
		off -= l
	}
	return fallback
}

// code returns a code block's text exactly as written, without trailing
// blank lines, the position of its first line and its indentation.
func (r *mdReader) code(n ast.Node) (string, diag.Pos, int) {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(r.src.text))
	}
	code := strings.TrimRight(b.String(), " \t\r\n")
	if lines.Len() == 0 {
		// An empty block: the line after its opening fence, which a
		// fence on the last line of the file does not have.
		p := r.nodePos(n)
		if p.Line < len(r.src.lines) {
			p.Line++
		}
		return "", p, 0
	}
	first := lines.At(0)
	p := r.src.pos(first.Start)
	return code, diag.Pos{File: p.File, Line: p.Line, Col: 1}, p.Col - 1
}

func (r *mdReader) unexpected(n ast.Node, where string) {
	r.diags.Warnf(r.nodePos(n), "unexpected %s in %s ignored", kindLabel(n), where)
}

func kindLabel(n ast.Node) string {
	switch n.Kind() {
	case extast.KindTable:
		return "table"
	case ast.KindThematicBreak:
		return "horizontal rule"
	}
	return strings.ToLower(n.Kind().String())
}

// sectionPos is the position of a subsection: its heading, or its first
// block when it has none.
func (r *mdReader) sectionPos(h *ast.Heading, nodes []ast.Node) diag.Pos {
	if h != nil {
		return r.nodePos(h)
	}
	return r.nodePos(nodes[0])
}

// nodeStart returns the byte offset where a block begins.
func nodeStart(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := nodeStart(c); s >= 0 {
			return s
		}
	}
	return -1
}

// nodePos is the position of the start of the line a block begins on.
func (r *mdReader) nodePos(n ast.Node) diag.Pos {
	p := r.src.pos(nodeStart(n))
	p.Col = 1
	return p
}

// headingText is a heading's text as written, trimmed.
func (r *mdReader) headingText(h *ast.Heading) string {
	var b strings.Builder
	lines := h.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(r.src.text))
	}
	return strings.TrimSpace(b.String())
}

// raw returns the markdown source of a run of sibling blocks, from the
// line the first begins on to the line next begins on (or the end).
func (r *mdReader) raw(nodes []ast.Node, next ast.Node) string {
	if len(nodes) == 0 {
		return ""
	}
	start := r.src.lineStart(nodeStart(nodes[0]))
	end := len(r.src.text)
	if next != nil {
		end = r.src.lineStart(nodeStart(next))
	}
	if start >= end {
		return ""
	}
	return strings.TrimSpace(string(r.src.text[start:end]))
}

// rawRuns returns the source of blocks that may not be contiguous: each run
// of siblings is taken whole, and runs are joined by a blank line.
func (r *mdReader) rawRuns(nodes []ast.Node) string {
	var out string
	for i := 0; i < len(nodes); {
		j := i + 1
		for j < len(nodes) && nodes[j] == nodes[j-1].NextSibling() {
			j++
		}
		out = joinText(out, r.raw(nodes[i:j], nodes[j-1].NextSibling()))
		i = j
	}
	return out
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

func children(n ast.Node) []ast.Node {
	var out []ast.Node
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, c)
	}
	return out
}

func firstLink(n ast.Node) *ast.Link {
	var found *ast.Link
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			found = l
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}
