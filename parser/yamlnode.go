package parser

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/diag"
)

// yamlDoc walks a yaml.v3 node tree, converting node lines to file
// positions (the tree may come from front matter that starts further down
// the file) and reporting every shape mismatch as a diagnostic.
type yamlDoc struct {
	src     *source
	lineOff int // lines before the YAML text in the file
	diags   *diag.List
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parse decodes text into a document node. A syntax error becomes one
// diagnostic at the line the YAML parser names.
func (y *yamlDoc) parse(text []byte) (root *yaml.Node, ok bool) {
	defer func() {
		// yaml.v3 is fuzzed but not proven panic-free; a reader must not crash.
		if r := recover(); r != nil {
			y.diags.Errorf(y.src.line(y.lineOff+1), "invalid YAML: parser failed: %v", r)
			root, ok = nil, false
		}
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			y.diags.Errorf(y.src.line(y.lineOff+1), "empty YAML document: not a CAR analytic")
		} else {
			y.errorFromYAML(err, text)
		}
		return nil, false
	}
	var second yaml.Node
	if err := dec.Decode(&second); err != io.EOF {
		// A second document would be silently dropped by yaml.Unmarshal.
		if err != nil {
			y.errorFromYAML(err, text)
		} else {
			y.diags.Errorf(y.src.line(y.lineOff+second.Line), "a second YAML document: an analytic file holds one")
		}
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || isNull(doc.Content[0]) {
		y.diags.Errorf(y.src.line(y.lineOff+1), "empty YAML document: not a CAR analytic")
		return nil, false
	}
	return doc.Content[0], true
}

// errorFromYAML reports a yaml.v3 error at the line it names in text.
func (y *yamlDoc) errorFromYAML(err error, text []byte) {
	msgs := []string{err.Error()}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	last := countLines(text)
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		pos := y.src.line(y.lineOff + 1)
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			m = g[2]
			// yaml.v3 numbers scanner errors from 1 but parser errors
			// from 0 (decode.go, parser.fail): a parser error's line is
			// one further down.
			if yamlParserProblem(m) {
				n++
			}
			// An error at the end of the input may be placed on the line
			// after the last; the last line is where the reader sees it.
			pos = y.src.line(y.lineOff + min(n, last))
		}
		y.diags.Errorf(pos, "invalid YAML: %s", m)
	}
}

// yamlParserProblem reports whether a yaml.v3 message comes from its
// parser rather than its scanner (the problems parserc.go raises).
func yamlParserProblem(m string) bool {
	for _, p := range []string{
		"did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"did not find expected '-' indicator", "did not find expected <document start>",
		"did not find expected key", "did not find expected node content",
		"found duplicate %TAG directive", "found duplicate %YAML directive",
		"found incompatible YAML document", "found undefined tag handle",
	} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

func (y *yamlDoc) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: y.src.file, Line: n.Line + y.lineOff, Col: n.Column}
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "an alias"
}

// mapping calls fn for every key of a mapping node, in order.
func (y *yamlDoc) mapping(n *yaml.Node, what string, fn func(key string, k, v *yaml.Node)) bool {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		switch {
		case n == nil:
		case isNull(n):
			y.diags.Errorf(y.pos(n), "%s is empty", what)
		default:
			y.diags.Errorf(y.pos(n), "%s must be a mapping, not %s", what, kindName(n))
		}
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			y.diags.Errorf(y.pos(n.Content[i]), "%s: a key must be a string", what)
			continue
		}
		if seen[k.Value] {
			y.diags.Errorf(y.pos(k), "%s: key %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
	return true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// str returns a scalar's text. A null is the empty string.
func (y *yamlDoc) str(n *yaml.Node, what string) string {
	n = deref(n)
	if n == nil || isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		y.diags.Errorf(y.pos(n), "%s must be a string, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

// strList reads a list of strings; a single scalar is a one-element list,
// split at commas when splitComma is set (CAR's markdown front matter
// writes lists as "Host, Network").
func (y *yamlDoc) strList(n *yaml.Node, what string, splitComma bool) []string {
	n = deref(n)
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		var out []string
		for _, c := range n.Content {
			if s := strings.TrimSpace(y.str(c, what+" item")); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	s := y.str(n, what)
	if !splitComma {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return []string{s}
	}
	return splitList(s)
}

// seq calls fn for each item of a sequence.
func (y *yamlDoc) seq(n *yaml.Node, what string, fn func(i int, item *yaml.Node)) {
	n = deref(n)
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		y.diags.Errorf(y.pos(n), "%s must be a list, not %s", what, kindName(n))
		return
	}
	for i, c := range n.Content {
		fn(i, c)
	}
}

// splitList splits "a, b, c" into its trimmed, non-empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func quoteKeys(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}
