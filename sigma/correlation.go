package sigma

import (
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/cartrans/cartrans/diag"
	"gopkg.in/yaml.v3"
)

// Correlation is a correlation rule's correlation section
// (sigma-correlation-rules-specification.md).
type Correlation struct {
	// Type is event_count, value_count, temporal, temporal_ordered,
	// value_sum, value_avg or value_percentile.
	Type string
	// Rules are the ids or names of the correlated rules, in order.
	Rules []RuleRef
	// Aliases maps alias field names to each rule's field, in source order.
	Aliases []Alias
	GroupBy []string
	// Timespan is as written ("90m"); Duration its length.
	Timespan string
	Duration time.Duration
	// Condition holds the comparisons, ANDed; Field is the counted or
	// aggregated field of the value_ types.
	Condition []Comparison
	Field     []string
	// Generate is the document's generate key: also convert the
	// correlated rules on their own.
	Generate bool
	Pos      diag.Pos
}

// RuleRef names a rule by id or name.
type RuleRef struct {
	Ref string
	Pos diag.Pos
}

// Alias is one alias name and the field it stands for in each rule.
type Alias struct {
	Name   string
	Fields []AliasField
	Pos    diag.Pos
}

// AliasField is the field an alias names in one rule.
type AliasField struct {
	Rule, Field string
	Pos         diag.Pos
}

// Comparison is one condition criterion: Op is gt, gte, lt, lte, eq or
// neq.
type Comparison struct {
	Op    string
	Value Value
	Pos   diag.Pos
}

// Filter is a filter rule's filter section (sigma-filters-specification.md):
// the rules it applies to and a detection whose condition says which
// events of theirs to suppress.
type Filter struct {
	Rules     []RuleRef
	Detection *Detection
	Pos       diag.Pos
}

var (
	correlationTypes = []string{"event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile"}
	comparisonOps    = []string{"gt", "gte", "lt", "lte", "eq", "neq"}
	timespanPattern  = regexp.MustCompile(`^([1-9][0-9]{0,8})([smhd])$`)
)

func (s *src) readCorrelation(n *yaml.Node) *Correlation {
	n = deref(n)
	c := &Correlation{Pos: s.pos(n)}
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "correlation must be a map, not a %s", kindName(n))
		return c
	}
	seen := map[string]*yaml.Node{}
	for _, p := range s.pairs(n) {
		seen[p.key.Value] = p.key
		switch p.key.Value {
		case "type":
			c.Type = s.enum(p.val, "correlation type", correlationTypes)
		case "rules":
			c.Rules = s.ruleRefs(p.val, "correlation rules")
		case "aliases":
			c.Aliases = s.readAliases(p.val)
		case "group-by":
			c.GroupBy = s.strList(p.val, "group-by", true)
		case "timespan":
			c.Timespan, _ = s.str(p.val, "timespan")
			m := timespanPattern.FindStringSubmatch(c.Timespan)
			if m == nil {
				s.errorf("S301", s.pos(p.val), "timespan %q is not a number and a unit s, m, h or d, such as 90m", c.Timespan)
				break
			}
			k, _ := strconv.Atoi(m[1])
			unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
			c.Duration = time.Duration(k) * unit
		case "condition":
			s.readCorrCondition(c, p.val)
		case "generate":
			// The specification's Generate section and its schema put it at
			// the top of the document; pySigma reads it here. Read it, and
			// say where it belongs.
			if v := deref(p.val); v != nil && v.Tag == "!!bool" {
				c.Generate = v.Value == "true"
				s.warnf("S300", s.pos(p.key), "generate belongs at the top of the document, beside correlation (specification: Generate); pySigma reads it here")
			} else {
				s.errorf("S012", s.pos(p.val), "generate must be true or false")
			}
		default:
			s.errorf("S300", s.pos(p.key), "correlation has no key %q: it has type, rules, aliases, group-by, timespan and condition", p.key.Value)
		}
	}
	for _, k := range []string{"type", "rules", "timespan", "group-by"} {
		if seen[k] == nil {
			s.errorf("S011", c.Pos, "the correlation has no %s", k)
		}
	}
	switch c.Type {
	case "event_count", "value_count", "value_sum", "value_avg", "value_percentile":
		if seen["condition"] == nil {
			s.errorf("S011", c.Pos, "a %s correlation needs a condition", c.Type)
		}
	}
	switch c.Type {
	case "value_count", "value_sum", "value_avg", "value_percentile":
		if seen["condition"] != nil && len(c.Field) == 0 {
			s.errorf("S011", c.Pos, "a %s correlation needs a field in its condition", c.Type)
		}
	case "":
	default:
		if len(c.Field) > 0 {
			s.errorf("S302", c.Pos, "a %s correlation takes no field in its condition", c.Type)
		}
	}
	if len(c.Aliases) > 0 {
		for _, a := range c.Aliases {
			for _, f := range a.Fields {
				if !slices.ContainsFunc(c.Rules, func(r RuleRef) bool { return r.Ref == f.Rule }) {
					s.errorf("S303", f.Pos, "alias %s names rule %q, which the correlation does not correlate", a.Name, f.Rule)
				}
			}
		}
	}
	return c
}

func (s *src) readCorrCondition(c *Correlation, n *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "a correlation condition must be a map such as gte: 100, not a %s", kindName(n))
		return
	}
	ops := 0
	for _, p := range s.pairs(n) {
		k := p.key.Value
		if k != "field" {
			ops++
		}
		if k == "field" {
			c.Field = s.strList(p.val, "field", true)
			continue
		}
		if !slices.Contains(comparisonOps, k) {
			s.errorf("S302", s.pos(p.key), "%q is not a correlation comparison: gt, gte, lt, lte, eq or neq", k)
			continue
		}
		v := deref(p.val)
		if v == nil || v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") {
			s.errorf("S302", s.pos(p.val), "%s takes a number, not a %s", k, kindName(v))
			continue
		}
		c.Condition = append(c.Condition, Comparison{Op: k, Value: s.readValue(v), Pos: s.pos(p.key)})
	}
	if ops == 0 {
		s.errorf("S302", s.pos(n), "the correlation condition has no comparison (gt, gte, lt, lte, eq, neq)")
	}
}

func (s *src) ruleRefs(n *yaml.Node, what string) []RuleRef {
	n = deref(n)
	var items []*yaml.Node
	switch {
	case n != nil && n.Kind == yaml.SequenceNode:
		items = n.Content
	case n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null":
		items = []*yaml.Node{n}
	default:
		s.errorf("S012", s.pos(n), "%s must be a list of rule ids or names, not a %s", what, kindName(n))
		return nil
	}
	var out []RuleRef
	for _, e := range items {
		if v, ok := s.str(e, what+" item"); ok {
			out = append(out, RuleRef{Ref: v, Pos: s.pos(e)})
		}
	}
	if len(out) == 0 {
		s.errorf("S011", s.pos(n), "%s names no rule", what)
	}
	return out
}

func (s *src) readAliases(n *yaml.Node) []Alias {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "aliases must be a map of alias names, not a %s", kindName(n))
		return nil
	}
	var out []Alias
	for _, p := range s.pairs(n) {
		a := Alias{Name: p.key.Value, Pos: s.pos(p.key)}
		m := deref(p.val)
		if m == nil || m.Kind != yaml.MappingNode {
			s.errorf("S012", s.pos(p.val), "alias %s must map rule names to fields, not be a %s", a.Name, kindName(m))
			continue
		}
		for _, q := range s.pairs(m) {
			f, _ := s.str(q.val, "an alias field")
			a.Fields = append(a.Fields, AliasField{Rule: q.key.Value, Field: f, Pos: s.pos(q.key)})
		}
		out = append(out, a)
	}
	return out
}

func (s *src) readFilter(n *yaml.Node) *Filter {
	n = deref(n)
	f := &Filter{Pos: s.pos(n)}
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "filter must be a map of rules, search identifiers and a condition, not a %s", kindName(n))
		return f
	}
	hasRules := false
	for _, p := range s.pairs(n) {
		if p.key.Value == "rules" {
			f.Rules = s.ruleRefs(p.val, "filter rules")
			hasRules = true
		}
	}
	if !hasRules {
		s.errorf("S011", f.Pos, "the filter has no rules")
	}
	f.Detection = s.readDetection(n, "rules")
	if len(f.Detection.Searches) == 0 {
		s.errorf("S011", f.Pos, "the filter has no selection")
	}
	return f
}
