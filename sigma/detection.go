package sigma

import (
	"net/netip"
	"regexp/syntax"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// readDetection reads a detection section, or a filter section (whose
// rules key the caller has taken out: skip names it).
func (s *src) readDetection(n *yaml.Node, skip string) *Detection {
	n = deref(n)
	d := &Detection{Pos: s.pos(n)}
	if n == nil || n.Kind != yaml.MappingNode {
		s.errorf("S012", s.pos(n), "the detection must be a map of search identifiers and a condition, not a %s", kindName(n))
		return d
	}
	var cond *yaml.Node
	for _, p := range s.pairs(n) {
		switch p.key.Value {
		case skip:
			continue
		case "condition":
			cond = p.val
		case "timeframe":
			s.errorf("S109", s.pos(p.key), "timeframe is Sigma's obsolete aggregation form, not in specification v2: write a correlation rule with a timespan")
		default:
			d.Searches = append(d.Searches, s.readSearch(p.key, p.val))
		}
	}
	if cond == nil {
		s.errorf("S011", d.Pos, "the detection has no condition")
		return d
	}
	s.readConditions(d, cond)
	return d
}

// readConditions parses the condition, or each of the older list form.
func (s *src) readConditions(d *Detection, n *yaml.Node) {
	n = deref(n)
	var nodes []*yaml.Node
	switch {
	case n != nil && n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			s.errorf("S012", s.pos(n), "the condition list is empty")
		}
		nodes = n.Content
	default:
		nodes = []*yaml.Node{n}
	}
	names := make([]string, len(d.Searches))
	for i, sr := range d.Searches {
		names[i] = sr.Name
	}
	res := newResolver(names, s.diags)
	for _, c := range nodes {
		c = deref(c)
		if c == nil || c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			s.errorf("S012", s.pos(c), "a condition must be a string, not a %s", kindName(c))
			continue
		}
		p := &condParser{text: c.Value, at: s.scalarMapper(c), diags: s.diags}
		cond := p.parse()
		if cond == nil {
			continue
		}
		res.resolve(cond)
		d.Conditions = append(d.Conditions, cond)
	}
	if len(d.Conditions) == len(nodes) {
		// Only when every condition read, so a broken one does not also
		// make its identifiers look unused.
		for _, sr := range d.Searches {
			if !res.used[sr.Name] {
				s.warnf("S206", sr.Pos, "search identifier %q is not used by the condition", sr.Name)
			}
		}
	}
}

func (s *src) readSearch(key, val *yaml.Node) *Search {
	sr := &Search{Name: key.Value, Pos: s.pos(key)}
	if !validIdent(sr.Name) {
		// Only a warning: the specification does not restrict the names,
		// and a pattern such as 1 of select* still reaches it. But a name
		// with '|' is usually a modifier written on the wrong key.
		hint := ""
		if strings.Contains(sr.Name, "|") {
			hint = " ('|' looks like a modifier: modifiers go on field names)"
		}
		s.warnf("S112", sr.Pos, "search identifier %q cannot be named in a condition, only matched by a pattern: names hold letters, digits, non-ASCII characters, '_', '-' and '.'%s", sr.Name, hint)
	}
	v := deref(val)
	switch {
	case v == nil:
		s.errorf("S100", sr.Pos, "search identifier %q is a recursive alias", sr.Name)
	case v.Kind == yaml.MappingNode:
		g := s.readGroup(v)
		if len(g.Items) == 0 {
			s.errorf("S100", s.pos(v), "search identifier %q is an empty map", sr.Name)
		}
		sr.Groups = []Group{g}
	case v.Kind == yaml.SequenceNode:
		sr.List = true
		if len(v.Content) == 0 {
			s.errorf("S100", s.pos(v), "search identifier %q is an empty list", sr.Name)
		}
		plain := true
		for _, e := range v.Content {
			if e := deref(e); e == nil || e.Kind != yaml.ScalarNode {
				plain = false
			}
		}
		if plain && len(v.Content) > 0 {
			// A list of plain values is one keyword item, an OR.
			item := FieldItem{List: true, Pos: s.pos(v)}
			item.Values = s.readValues(v, &item)
			s.checkItem(&item, v)
			sr.Groups = []Group{{Items: []FieldItem{item}, Pos: item.Pos}}
			break
		}
		for _, e := range v.Content {
			e = deref(e)
			switch {
			case e == nil:
			case e.Kind == yaml.MappingNode:
				g := s.readGroup(e)
				if len(g.Items) == 0 {
					s.errorf("S100", s.pos(e), "search identifier %q holds an empty map", sr.Name)
				}
				sr.Groups = append(sr.Groups, g)
			case e.Kind == yaml.ScalarNode:
				item := FieldItem{Pos: s.pos(e)}
				item.Values = s.readValues(e, &item)
				s.checkItem(&item, e)
				sr.Groups = append(sr.Groups, Group{Items: []FieldItem{item}, Pos: item.Pos})
			default:
				s.errorf("S100", s.pos(e), "search identifier %q: a list element must be a map or a plain value, not a %s", sr.Name, kindName(e))
			}
		}
	default:
		s.errorf("S100", s.pos(v), "search identifier %q must be a map (fields ANDed) or a list (ORed), not a %s", sr.Name, kindName(v))
	}
	return sr
}

// validIdent reports whether a search identifier can be named in a
// condition.
func validIdent(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isIdentByte(name[i]) || name[i] == '*' {
			return false
		}
	}
	return true
}

func (s *src) readGroup(m *yaml.Node) Group {
	g := Group{Pos: s.pos(m)}
	for _, p := range s.pairs(m) {
		g.Items = append(g.Items, s.readItem(p.key, p.val))
	}
	return g
}

// readItem reads "Field|mod1|mod2: value".
func (s *src) readItem(key, val *yaml.Node) FieldItem {
	keyPos := s.pos(key)
	parts := strings.Split(key.Value, "|")
	item := FieldItem{Field: parts[0], Pos: keyPos}
	at := s.scalarMapper(key)
	off := len(parts[0]) + 1
	for _, name := range parts[1:] {
		pos := at(off)
		off += len(name) + 1
		m, ok := modifiers[name]
		switch {
		case name == "":
			s.errorf("S103", pos, "empty modifier in %q", key.Value)
			continue
		case !ok:
			sug := ""
			if c, found := closest(strings.ToLower(name), modifierNames, 3); found {
				sug = "did you mean " + c + "?"
			}
			s.suggestf("S103", pos, sug, "unknown modifier %q", name)
			continue
		}
		item.Modifiers = append(item.Modifiers, Modifier{Mod: m.mod, Written: name, Pos: pos})
	}
	item.Values = s.readValues(val, &item)
	s.checkItem(&item, deref(val))
	return item
}

// readValues reads a field item's value: a scalar, or a list of scalars.
func (s *src) readValues(n *yaml.Node, item *FieldItem) []Value {
	n = deref(n)
	switch {
	case n == nil:
		s.errorf("S101", item.Pos, "the value is a recursive alias")
		return nil
	case n.Kind == yaml.ScalarNode:
		return []Value{s.readValue(n)}
	case n.Kind == yaml.SequenceNode:
		item.List = true
		if len(n.Content) == 0 {
			s.warnf("S108", s.pos(n), "an empty list matches nothing")
		}
		vals := make([]Value, 0, len(n.Content))
		for _, e := range n.Content {
			e = deref(e)
			if e == nil || e.Kind != yaml.ScalarNode {
				s.errorf("S101", s.pos(e), "a list of values can hold only plain values, not a %s", kindName(e))
				continue
			}
			v := s.readValue(e)
			if v.Kind == Null {
				s.errorf("S102", v.Pos, "null cannot be part of a list of values: write it as a search of its own (specification: Special Field Values)")
				continue
			}
			vals = append(vals, v)
		}
		return vals
	}
	s.errorf("S101", s.pos(n), "a value must be a plain value or a list of them, not a %s", kindName(n))
	return nil
}

func (s *src) readValue(n *yaml.Node) Value {
	v := Value{Raw: n.Value, Pos: s.pos(n)}
	switch n.Tag {
	case "!!null":
		v.Kind = Null
	case "!!bool":
		v.Kind = Bool
		v.Bool = strings.EqualFold(n.Value, "true")
	case "!!int", "!!float":
		v.Kind = Number
		clean := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(clean, 0, 64); err == nil {
			v.Int, v.IsInt, v.Float = i, true, float64(i)
		} else if f, err := strconv.ParseFloat(clean, 64); err == nil {
			v.Float = f
		} else {
			// YAML's .inf and .nan, which strconv spells differently.
			switch strings.ToLower(clean) {
			case ".inf", "+.inf":
				v.Float, _ = strconv.ParseFloat("+Inf", 64)
			case "-.inf":
				v.Float, _ = strconv.ParseFloat("-Inf", 64)
			case ".nan":
				v.Float, _ = strconv.ParseFloat("NaN", 64)
			}
		}
	default:
		v.Kind = String
	}
	return v
}

// checkItem validates the modifiers' combination and the values they take,
// and sets the values' segments.
func (s *src) checkItem(item *FieldItem, val *yaml.Node) {
	if len(item.Modifiers) == 0 && len(item.Values) == 1 {
		// The common case, without the bookkeeping below.
		if v := &item.Values[0]; v.Kind != Null {
			v.Segments = ParseString(v.Raw, false)
		}
		return
	}
	seen := func(m Mod) bool { return item.Has(m) }
	var match, compare, timePart, encodingB64, encodingUTF, re, reFlagBeforeRe *Modifier
	var has [classCount]*Modifier
	var dup uint64
	for i := range item.Modifiers {
		m := &item.Modifiers[i]
		// A set of the modifiers seen, one bit each, so that a key with
		// thousands of modifiers is checked in linear time.
		if bit := uint64(1) << modifiers[m.Written].bit; dup&bit != 0 {
			s.errorf("S110", m.Pos, "modifier %s is given twice", m.Written)
			continue
		} else {
			dup |= bit
		}
		class := modifiers[m.Written].class
		if has[class] == nil {
			has[class] = m
		}
		pair := func(first **Modifier, what string) {
			if *first != nil {
				s.errorf("S104", m.Pos, "modifier %s cannot be combined with %s: a value takes one %s", m.Written, (*first).Written, what)
				return
			}
			*first = m
		}
		switch class {
		case classMatch:
			pair(&match, "of contains, startswith and endswith")
		case classCompare:
			pair(&compare, "comparison")
		case classTime:
			pair(&timePart, "time part")
		case classEncoding:
			if m.Mod == ModBase64 || m.Mod == ModB64Off {
				pair(&encodingB64, "Base64 encoding")
			} else {
				if encodingB64 != nil {
					s.errorf("S104", m.Pos, "modifier %s must come before %s: the UTF-16 encoding is what Base64 encodes", m.Written, encodingB64.Written)
				}
				pair(&encodingUTF, "UTF-16 encoding")
			}
			if match != nil {
				s.errorf("S104", m.Pos, "modifier %s must come before %s: an encoding cannot encode the wildcards %s adds", m.Written, match.Written, match.Written)
			}
		case classString:
			if e := firstNonNil(encodingB64, encodingUTF); e != nil {
				s.errorf("S104", m.Pos, "modifier %s must come before %s: it works on the text, not on its encoding", m.Written, e.Written)
			}
		case classRe:
			re = m
		case classReFlag:
			if re == nil && reFlagBeforeRe == nil {
				reFlagBeforeRe = m
				s.errorf("S111", m.Pos, "modifier %s is a sub-modifier of re and must follow it (Field|re|%s)", m.Written, m.Written)
			}
		}
	}
	s.checkExclusive(item, &has)

	// What the modifiers make of the values, and what values they take.
	switch {
	case has[classExists] != nil:
		m := has[classExists]
		if len(item.Values) != 1 || item.List || item.Values[0].Kind != Bool {
			s.errorf("S105", m.Pos, "modifier exists takes one boolean, true or false")
		}
	case re != nil:
		for i := range item.Values {
			v := &item.Values[i]
			if v.Kind != String {
				s.errorf("S105", v.Pos, "modifier re takes a regular expression string, not a %s", v.Kind)
				continue
			}
			if _, err := syntax.Parse(v.Raw, syntax.Perl); err != nil {
				s.warnf("S107", v.Pos, "the regular expression is not RE2 syntax, which cartrans's native runner uses: %v", err)
			}
		}
	case has[classCIDR] != nil:
		for i := range item.Values {
			v := &item.Values[i]
			if _, err := netip.ParsePrefix(v.Raw); v.Kind != String || err != nil {
				s.errorf("S105", v.Pos, "modifier cidr takes a network such as 10.0.0.0/8 or fd00::/8, not %q", v.Raw)
			}
		}
	case compare != nil || timePart != nil:
		for i := range item.Values {
			v := &item.Values[i]
			if v.Kind != Number {
				m := firstNonNil(compare, timePart)
				s.errorf("S105", v.Pos, "modifier %s takes a number, not a %s", m.Written, v.Kind)
				continue
			}
			if timePart != nil {
				if !v.IsInt {
					s.errorf("S105", v.Pos, "modifier %s takes a whole number", timePart.Written)
				} else if r, ok := timeRange[timePart.Mod]; ok && compare == nil && (v.Int < r[0] || v.Int > r[1]) {
					s.warnf("S105", v.Pos, "modifier %s gives a number from %d to %d: %d never matches", timePart.Written, r[0], r[1], v.Int)
				}
			}
		}
	case has[classFieldRef] != nil:
		for i := range item.Values {
			if v := &item.Values[i]; v.Kind != String || v.Raw == "" {
				s.errorf("S105", v.Pos, "modifier fieldref takes a field name")
			}
		}
	default:
		expand := seen(ModExpand)
		for i := range item.Values {
			v := &item.Values[i]
			if v.Kind == Null {
				if len(item.Modifiers) > 0 {
					s.errorf("S105", v.Pos, "null takes no modifier: it means the field is absent or null")
				}
				continue
			}
			v.Segments = ParseString(v.Raw, expand)
			if encodingB64 != nil && HasWildcard(v.Segments) {
				s.errorf("S105", v.Pos, "modifier %s cannot encode a wildcard: use it with contains, startswith or endswith instead", encodingB64.Written)
			}
		}
	}

	if seen(ModAll) {
		for _, x := range item.Modifiers {
			if x.Mod == ModAll && (val == nil || val.Kind != yaml.SequenceNode || len(val.Content) < 2) {
				s.errorf("S106", x.Pos, "modifier all needs a list of two or more values: a single value is not allowed (modifiers appendix: Generic Modifiers)")
			}
		}
	}
	if item.Keyword() {
		for _, c := range []modClass{classExists, classCompare, classTime, classCIDR, classFieldRef} {
			if m := has[c]; m != nil {
				s.errorf("S104", m.Pos, "modifier %s needs a field: a keyword search has none", m.Written)
			}
		}
	}
}

// exclusiveAllowed lists, for each class of modifiers that changes a
// value's type, the classes that may go with it.
var exclusiveAllowed = map[modClass][]modClass{
	classExists:   {},
	classRe:       {classGeneric, classReFlag},
	classCIDR:     {classGeneric},
	classCompare:  {classGeneric, classTime},
	classTime:     {classGeneric, classCompare},
	classFieldRef: {classGeneric},
}

// checkExclusive refuses the modifiers that change a value's type when
// they meet a modifier for another type: exists takes nothing else, re
// only its flags, all and neq, and so on.
func (s *src) checkExclusive(item *FieldItem, has *[classCount]*Modifier) {
	reported := map[int]bool{}
	for _, c := range []modClass{classExists, classRe, classCIDR, classCompare, classTime, classFieldRef} {
		m := has[c]
		if m == nil {
			continue
		}
		ok := map[modClass]bool{c: true}
		for _, a := range exclusiveAllowed[c] {
			ok[a] = true
		}
		for j, x := range item.Modifiers {
			cx := modifiers[x.Written].class
			bad := !ok[cx]
			// cased means nothing to a regular expression, a network, a
			// number or a field name: re is case-sensitive unless re|i.
			if x.Mod == ModCased && c != classFieldRef {
				bad = true
			}
			// neq is a comparison of its own.
			if x.Mod == ModNeq && c == classCompare {
				bad = true
			}
			if bad && x.Pos != m.Pos && !reported[j] {
				reported[j] = true
				s.errorf("S104", x.Pos, "modifier %s cannot be combined with %s", x.Written, m.Written)
			}
		}
	}
}

func firstNonNil(ms ...*Modifier) *Modifier {
	for _, m := range ms {
		if m != nil {
			return m
		}
	}
	return nil
}
