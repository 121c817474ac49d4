package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
	"gopkg.in/yaml.v3"
)

// Read reads a Sigma file of at most MaxFileSize bytes.
func Read(path string) ([]*Rule, diag.List) {
	data, err := safefile.ReadFile(path, MaxFileSize, "a Sigma rule file", "split the rule collection into several files")
	if err != nil {
		var diags diag.List
		code := "S002"
		var tl *safefile.TooLargeError
		if !errors.As(err, &tl) {
			code = "S001"
			if pe := (*os.PathError)(nil); errors.As(err, &pe) {
				err = pe.Err
			}
		}
		diags = append(diags, diag.Diagnostic{Pos: diag.Pos{File: path}, Severity: diag.Error, Code: code, Message: err.Error()})
		return nil, diags
	}
	return Parse(path, data)
}

// Parse reads every YAML document of a Sigma file: a rule, a filter or a
// correlation rule each. Every document that is a map gives a Rule, with
// the diagnostics saying what in it is wrong.
func Parse(file string, data []byte) ([]*Rule, diag.List) {
	return parse(file, data, true)
}

// parse is Parse; fast lets the documents be read by fastDocs where it
// can (the tests compare both ways).
func parse(file string, data []byte, fast bool) ([]*Rule, diag.List) {
	var diags diag.List
	var s *src
	var rules []*Rule
	docs, ok := []*yaml.Node(nil), false
	if fast {
		// The trees are read into rules before parse returns.
		p := pooledParser(data)
		defer p.release()
		if docs, ok = p.docs(); ok {
			s = p.src(file, &diags)
		}
	}
	if s == nil {
		s = newSrc(file, data, &diags)
	}
	if ok {
		// fastDocs reads no anchor, so there is no alias to expand.
		for _, doc := range docs {
			if r := s.document(doc, false); r != nil {
				rules = append(rules, r)
			}
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		mayAlias := bytes.IndexByte(data, '&') >= 0
		for {
			var doc yaml.Node
			err := decode(dec, &doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				// yaml.v3 cannot go on after a syntax error.
				s.yamlError(err)
				break
			}
			if r := s.document(&doc, mayAlias); r != nil {
				rules = append(rules, r)
			}
		}
	}
	if len(rules) == 0 && len(diags) == 0 {
		s.errorf("S010", diag.Pos{File: file}, "the file holds no Sigma document")
	}
	return rules, diags
}

// document reads one YAML document as a rule, or nil. mayAlias is false
// when the file holds no anchor ('&'), so no alias to expand.
func (s *src) document(doc *yaml.Node, mayAlias bool) *Rule {
	if mayAlias && expandedSize(doc, MaxExpandedNodes, map[*yaml.Node]int{}) > MaxExpandedNodes {
		s.errorf("S003", s.pos(doc), "the document's aliases expand to more than %d YAML nodes (a fixed bound against alias bombs): write the values out, or split the document", MaxExpandedNodes)
		return nil
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = deref(root)
	if root == nil || root.Kind != yaml.MappingNode {
		if root != nil && root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			return nil // an empty document, as after a trailing ---
		}
		s.errorf("S010", s.pos(root), "a Sigma document must be a map of keys such as title and detection, not a %s", kindName(root))
		return nil
	}
	return s.readRule(root)
}

// decode is dec.Decode, with a panic inside yaml.v3 (which uses panics
// internally and has had inputs escape them) turned into an error, so
// that no input crashes the reader.
func decode(dec *yaml.Decoder, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the decoder failed: %v", r)
		}
	}()
	return dec.Decode(doc)
}

var (
	topLevelKeys = []string{"title", "id", "name", "related", "taxonomy", "status", "description", "license",
		"author", "references", "date", "modified", "logsource", "detection", "fields", "falsepositives",
		"level", "tags", "scope", "correlation", "filter", "generate"}
)

// required lists each kind's required keys.
var required = [...][]string{
	DetectionRule:   {"title", "logsource", "detection"},
	CorrelationRule: {"title", "correlation"},
	FilterRule:      {"title", "logsource", "filter"},
}

func (s *src) readRule(root *yaml.Node) *Rule {
	r := &Rule{Pos: s.pos(root)}
	// The keys in order, each once (pairs reports a duplicate), found by
	// a linear scan: a rule has a dozen.
	ps := s.pairs(root)
	key := func(name string) (pair, bool) {
		for _, p := range ps {
			if p.key.Value == name {
				return p, true
			}
		}
		return pair{}, false
	}
	if p, ok := key("action"); ok {
		// The older multi-document collections (action: global, reset,
		// repeat) are not in specification v2, which makes each document
		// a rule of its own.
		v, _ := s.str(p.val, "action")
		s.errorf("S017", s.pos(p.key), "action: %s is the obsolete multi-document collection form of Sigma, not in specification v2: write each rule as a complete document", v)
		return nil
	}
	corr, hasCorr := key("correlation")
	filter, hasFilter := key("filter")
	_, hasDet := key("detection")
	switch {
	case hasCorr && (hasDet || hasFilter):
		s.errorf("S016", s.pos(corr.key), "a document is a rule, a filter or a correlation: it cannot have correlation with detection or filter")
	case hasFilter && hasDet:
		s.errorf("S016", s.pos(filter.key), "a document is a rule or a filter: it cannot have both filter and detection")
	}
	switch {
	case hasCorr:
		r.Kind = CorrelationRule
	case hasFilter:
		r.Kind = FilterRule
	}
	for _, k := range required[r.Kind] {
		if _, ok := key(k); !ok {
			sug := ""
			var unknown []string
			for _, p := range ps {
				if o := p.key.Value; !slices.Contains(topLevelKeys, o) {
					unknown = append(unknown, o)
				}
			}
			if c, found := closest(k, unknown, 2); found {
				sug = "is " + c + " a misspelling of " + k + "?"
			}
			s.suggestf("S011", r.Pos, sug, "the %s has no %s", r.Kind, k)
		}
	}
	for _, p := range ps {
		name := p.key.Value
		switch name {
		case "title":
			r.Title, _ = s.str(p.val, "title")
			// The schema's maxLength counts characters.
			if n := utf8.RuneCountInString(r.Title); n > 256 {
				s.errorf("S018", s.pos(p.val), "the title is %d characters long: at most 256", n)
			}
		case "id":
			r.ID, _ = s.str(p.val, "id")
			if r.ID != "" && !isUUID(r.ID) {
				s.warnf("S019", s.pos(p.val), "id %q is not a UUID, as the specification recommends", r.ID)
			}
		case "name":
			r.Name, _ = s.str(p.val, "name")
		case "taxonomy":
			r.Taxonomy, _ = s.str(p.val, "taxonomy")
		case "status":
			r.Status = s.enum(p.val, "status", statuses)
		case "level":
			r.Level = s.enum(p.val, "level", levels)
		case "description":
			r.Description, _ = s.str(p.val, "description")
		case "license":
			r.License, _ = s.str(p.val, "license")
		case "author":
			r.Author, _ = s.str(p.val, "author")
		case "references":
			r.References = s.strList(p.val, "references", false)
		case "date", "modified":
			v, _ := s.str(p.val, name)
			if v != "" && !isDate(v) {
				s.errorf("S014", s.pos(p.val), "%s %q is not a date written YYYY-MM-DD", name, v)
			}
			if name == "date" {
				r.Date = v
			} else {
				r.Modified = v
			}
		case "related":
			r.Related = s.readRelated(p.val)
		case "logsource":
			r.LogSource = s.readLogSource(p.val)
		case "fields":
			r.Fields = s.strList(p.val, "fields", false)
		case "falsepositives":
			r.FalsePositives = s.strList(p.val, "falsepositives", true)
		case "tags":
			r.Tags = s.readTags(p.val)
		case "scope":
			r.Scope = s.strList(p.val, "scope", false)
		case "detection":
			if r.Kind == DetectionRule {
				r.Detection = s.readDetection(p.val, "")
			}
		case "correlation":
			r.Correlation = s.readCorrelation(p.val)
		case "filter":
			if r.Kind == FilterRule {
				r.Filter = s.readFilter(p.val)
			}
		case "generate":
			if r.Correlation == nil && r.Kind != CorrelationRule {
				s.warnf("S300", s.pos(p.key), "generate belongs to correlation rules")
			}
		}
	}
	if r.Kind == CorrelationRule && r.Correlation != nil {
		if p, ok := key("generate"); ok {
			v := deref(p.val)
			if v == nil || v.Tag != "!!bool" {
				s.errorf("S012", s.pos(p.val), "generate must be true or false")
			} else {
				r.Correlation.Generate = v.Value == "true"
			}
		}
	}
	return r
}

// enum reads a string that must be one of values.
func (s *src) enum(n *yaml.Node, what string, values []string) string {
	v, ok := s.str(n, what)
	if !ok || slices.Contains(values, v) {
		return v
	}
	sug := "one of " + strings.Join(values, ", ")
	if c, found := closest(strings.ToLower(v), values, 3); found {
		sug = "did you mean " + c + "?"
	}
	s.suggestf("S013", s.pos(n), sug, "%s %q is not one the specification defines", what, v)
	return v
}

func (s *src) readRelated(n *yaml.Node) []Related {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		s.errorf("S012", s.pos(n), "related must be a list of id and type, not a %s", kindName(n))
		return nil
	}
	var out []Related
	for _, e := range n.Content {
		e = deref(e)
		if e == nil || e.Kind != yaml.MappingNode {
			s.errorf("S012", s.pos(e), "a related entry must be a map of id and type, not a %s", kindName(e))
			continue
		}
		rel := Related{Pos: s.pos(e)}
		var hasID, hasType bool
		for _, p := range s.pairs(e) {
			switch p.key.Value {
			case "id":
				rel.ID, _ = s.str(p.val, "related id")
				hasID = true
			case "type":
				rel.Type = s.enum(p.val, "related type", relatedTypes)
				hasType = true
			default:
				s.errorf("S012", s.pos(p.key), "a related entry has only id and type, not %q", p.key.Value)
			}
		}
		if !hasID || !hasType {
			s.errorf("S011", rel.Pos, "a related entry needs both id and type")
		}
		out = append(out, rel)
	}
	return out
}

func (s *src) readLogSource(n *yaml.Node) LogSource {
	n = deref(n)
	ls := LogSource{Pos: s.pos(n)}
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "logsource must be a map of category, product, service and definition, not a %s", kindName(n))
		return ls
	}
	for _, p := range s.pairs(n) {
		v, _ := s.str(p.val, "logsource "+p.key.Value)
		switch p.key.Value {
		case "category":
			ls.Category = v
		case "product":
			ls.Product = v
		case "service":
			ls.Service = v
		case "definition":
			ls.Definition = v
		default:
			if ls.Custom == nil {
				ls.Custom = map[string]string{}
			}
			ls.Custom[p.key.Value] = v
		}
	}
	return ls
}

// IsSigma reports whether data reads as a Sigma document: a line at the
// left margin (a top-level key of block YAML, as every Sigma rule is
// written) opens with detection:, logsource: or correlation:. CAR's YAML
// analytics have none of these keys (theirs are title, id, coverage,
// implementations, ...). It scans the bytes without decoding the YAML,
// so that telling the formats apart costs little beside reading them.
func IsSigma(data []byte) bool {
	if len(data) > MaxFileSize {
		return false
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		for _, key := range sigmaKeys {
			if bytes.HasPrefix(line, key) {
				return true
			}
		}
	}
	return false
}

var sigmaKeys = [][]byte{[]byte("detection:"), []byte("logsource:"), []byte("correlation:")}

// The formats below are checked by hand, not with regular expressions,
// which cost a tenth of reading a rule; TestFormatChecks holds each equal
// to its expression.

// isUUID reports whether s is a UUID in 8-4-4-4-12 hexadecimal digits:
// ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isDate reports whether s is written YYYY-MM-DD with a month 01-12 and
// a day 01-31: ^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return false
	}
	month := int(s[5]-'0')*10 + int(s[6]-'0')
	day := int(s[8]-'0')*10 + int(s[9]-'0')
	return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// isTag reports whether s is namespace.name as the specification writes
// tags: ^[a-z0-9_-]+\.[a-z0-9._-]+$.
func isTag(s string) bool {
	ns, name, ok := strings.Cut(s, ".")
	if !ok || ns == "" || name == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
