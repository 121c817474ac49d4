package parser

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
)

// ReadYAML reads one analytic in CAR's YAML source format (the files of
// CAR's analytics/ folder from which its site is generated). It returns nil
// when the text is not an analytic at all.
func ReadYAML(file string, data []byte) (*analytic.Analytic, diag.List) {
	src := newSource(file, data)
	var diags diag.List
	if !checkText(src, &diags) {
		return nil, diags
	}
	y := &yamlDoc{src: src, diags: &diags}
	root, ok := y.parse(data)
	if !ok {
		return nil, diags
	}
	a := &analytic.Analytic{Format: analytic.FormatYAML, Pos: y.pos(root)}
	r := &yamlReader{y: y, a: a}
	if !y.mapping(root, "analytic", r.key) {
		return nil, diags
	}
	if a.ID == "" && a.Title == "" {
		diags.Errorf(y.pos(root), "no id and no title: not a CAR analytic")
		return nil, diags
	}
	validate(a, &diags)
	return a, diags
}

type yamlReader struct {
	y     *yamlDoc
	a     *analytic.Analytic
	hasID bool
}

func (r *yamlReader) key(key string, k, v *yaml.Node) {
	y, a := r.y, r.a
	switch key {
	case "id":
		// The analytic's position is where its identity is stated.
		a.ID = strings.TrimSpace(y.str(v, key))
		a.Pos = y.pos(k)
		r.hasID = true
	case "title":
		a.Title = strings.TrimSpace(y.str(v, key))
		if !r.hasID {
			a.Pos = y.pos(k)
		}
	case "submission_date":
		a.Submitted = y.date(v, key)
	case "update_date":
		a.Updated = y.date(v, key)
	case "information_domain":
		a.InformationDomain = y.strList(v, key, true)
	case "subtypes":
		a.Subtypes = y.strList(v, key, false)
	case "analytic_types", "analytic_type":
		a.AnalyticTypes = y.strList(v, key, false)
	case "contributors":
		a.Contributors = y.strList(v, key, false)
	case "platforms", "applicable_platforms":
		a.Platforms = platforms(y.strList(v, key, false))
	case "description":
		a.Description, a.OutputDescription = splitOutputDescription(y.str(v, key))
	case "references":
		a.References = y.strList(v, key, false)
	case "coverage":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.coverage(item) })
	case "d3fend_mappings":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.d3fend(item) })
	case "data_model_references":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.dataModelRef(item) })
	case "implementations":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.implementation(item) })
	case "unit_tests":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.unitTest(item) })
	case "true_positives":
		y.seq(v, key, func(_ int, item *yaml.Node) { r.truePositive(item) })
	default:
		y.diags.Warnf(y.pos(k), "unknown key %q ignored", key)
	}
}

// fields reads a mapping item of a list, warning about unknown keys.
func (r *yamlReader) fields(item *yaml.Node, what string, known []string, fn func(key string, v *yaml.Node)) {
	r.y.mapping(item, what, func(key string, k, v *yaml.Node) {
		if indexOf(known, key) < 0 {
			r.y.diags.Warnf(r.y.pos(k), "%s: unknown key %q ignored (known: %s)", what, key, quoteKeys(known))
			return
		}
		fn(key, v)
	})
}

func (r *yamlReader) coverage(item *yaml.Node) {
	c := analytic.Coverage{Pos: r.y.pos(item)}
	refs := func(v *yaml.Node, what string) []analytic.Ref {
		var out []analytic.Ref
		for _, id := range r.y.strList(v, what, false) {
			out = append(out, analytic.Ref{ID: id})
		}
		return out
	}
	r.fields(item, "coverage", []string{"technique", "subtechniques", "tactics", "coverage"}, func(key string, v *yaml.Node) {
		switch key {
		case "technique":
			c.Technique.ID = strings.TrimSpace(r.y.str(v, "coverage technique"))
		case "subtechniques":
			c.Subtechniques = refs(v, "coverage subtechniques")
		case "tactics":
			c.Tactics = refs(v, "coverage tactics")
		case "coverage":
			c.Level = strings.TrimSpace(r.y.str(v, "coverage level"))
		}
	})
	r.a.Coverage = append(r.a.Coverage, c)
}

func (r *yamlReader) d3fend(item *yaml.Node) {
	m := analytic.D3FENDMapping{Pos: r.y.pos(item)}
	r.fields(item, "d3fend mapping", []string{"id", "label", "iri"}, func(key string, v *yaml.Node) {
		s := strings.TrimSpace(r.y.str(v, "d3fend "+key))
		switch key {
		case "id":
			m.ID = s
		case "label":
			m.Name = s
		case "iri":
			m.IRI = s
		}
	})
	r.a.D3FEND = append(r.a.D3FEND, m)
}

func (r *yamlReader) dataModelRef(item *yaml.Node) {
	s := r.y.str(item, "data model reference")
	parts := strings.Split(strings.TrimSpace(s), "/")
	ref := analytic.DataModelRef{Pos: r.y.pos(item)}
	if len(parts) != 3 {
		r.y.diags.Warnf(ref.Pos, "data model reference %q is not object/action/field", s)
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch i {
		case 0:
			ref.Object = p
		case 1:
			ref.Action = p
		case 2:
			ref.Field = p
		default:
			ref.Field += "/" + p
		}
	}
	r.a.DataModelRefs = append(r.a.DataModelRefs, ref)
}

func (r *yamlReader) implementation(item *yaml.Node) {
	im := analytic.Implementation{Pos: r.y.pos(item)}
	hasCode := false
	r.fields(item, "implementation", []string{"name", "description", "code", "type", "data_model"}, func(key string, v *yaml.Node) {
		s := r.y.str(v, "implementation "+key)
		switch key {
		case "name":
			im.Name = strings.TrimSpace(s)
		case "description":
			im.Description = strings.TrimSpace(s)
		case "code":
			hasCode = true
			im.Code = strings.TrimRight(s, " \t\r\n")
			im.CodePos, im.CodeIndent = r.codePos(v)
		case "type":
			im.TypeAsWritten = strings.TrimSpace(s)
		case "data_model":
			im.DataModel = strings.TrimSpace(s)
		}
	})
	if im.TypeAsWritten == "" {
		r.y.diags.Warnf(im.Pos, "implementation has no type")
	}
	im.Type = normImplTypeDiag(im.TypeAsWritten, im.Pos, r.y.diags)
	if !hasCode {
		noCode(im, r.y.diags)
	}
	r.a.Implementations = append(r.a.Implementations, im)
}

// codePos returns where a code scalar's text begins. A block scalar ("|-")
// starts on the line after its indicator, indented.
func (r *yamlReader) codePos(v *yaml.Node) (diag.Pos, int) {
	v = deref(v)
	p := r.y.pos(v)
	switch {
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		line := p.Line + 1
		indent := 0
		if line-1 < len(r.y.src.lines) {
			start := r.y.src.lines[line-1]
			for start+indent < len(r.y.src.text) && r.y.src.text[start+indent] == ' ' {
				indent++
			}
		}
		return diag.Pos{File: p.File, Line: line, Col: 1}, indent
	case v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		return diag.Pos{File: p.File, Line: p.Line, Col: 1}, p.Col
	}
	return diag.Pos{File: p.File, Line: p.Line, Col: 1}, p.Col - 1
}

func (r *yamlReader) unitTest(item *yaml.Node) {
	ut := analytic.UnitTest{Pos: r.y.pos(item)}
	r.fields(item, "unit test", []string{"name", "configurations", "description", "commands"}, func(key string, v *yaml.Node) {
		switch key {
		case "name":
			ut.Name = strings.TrimSpace(r.y.str(v, "unit test name"))
		case "configurations":
			ut.Configurations = r.y.strList(v, "unit test configurations", false)
		case "description":
			ut.Description = strings.TrimSpace(r.y.str(v, "unit test description"))
		case "commands":
			ut.Commands = r.y.strList(v, "unit test commands", false)
		}
	})
	r.a.UnitTests = append(r.a.UnitTests, ut)
}

func (r *yamlReader) truePositive(item *yaml.Node) {
	tp := analytic.TruePositive{Pos: r.y.pos(item)}
	r.fields(item, "true positive", []string{"source", "name", "description", "event_snippet", "full_event"}, func(key string, v *yaml.Node) {
		s := strings.TrimSpace(r.y.str(v, "true positive "+key))
		switch key {
		case "source", "name":
			tp.Name = s
		case "description":
			tp.Description = s
		case "event_snippet":
			tp.EventFile = s
		case "full_event":
			tp.FullEvent = s
		}
	})
	r.a.TruePositives = append(r.a.TruePositives, tp)
}
