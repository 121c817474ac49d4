package drift

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/profile"
)

// Finding kinds, from the most telling.
const (
	// KindEventCode: the queries search other event codes or types.
	KindEventCode = "event-code"
	// KindSubstring: a value the pseudocode matches exactly (a process
	// name) is matched as a substring.
	KindSubstring = "substring"
	// KindSuffix: a base name is matched as the end of the path without
	// its separator, so longer names match too (xcmd.exe for cmd.exe).
	KindSuffix = "suffix"
	// KindFullPath: the hand-written query names a full path where the
	// pseudocode names only the base name: the file elsewhere is missed.
	KindFullPath = "full-path"
	// KindBaseName: the pseudocode names a full path, the query only the
	// base name.
	KindBaseName = "base-name"
	// KindFullText: a condition is a full-text term, not a field test.
	KindFullText = "full-text"
	// KindMissing: a condition of the pseudocode is not in the query.
	KindMissing = "missing"
	// KindExtra: the query tests something the pseudocode does not.
	KindExtra = "extra"
	// KindNegation: the same test, negated on one side only.
	KindNegation = "negation"
	// KindCase: the same value, compared with case on one side only.
	KindCase = "case"
	// KindField: the same value tested on another field.
	KindField = "field"
	// KindNeverMatches: the pseudocode compares a base name with a
	// path, which no event matches; the query tests the path.
	KindNeverMatches = "never-matches"
	// KindValue: another value.
	KindValue = "value"
)

// Finding is one difference between a hand-written and a generated query.
type Finding struct {
	Kind      string `json:"kind"`
	Field     string `json:"field,omitempty"`
	Hand      string `json:"hand_written,omitempty"`
	Generated string `json:"generated,omitempty"`
	Message   string `json:"message"`
}

// Dialect is what the comparison needs to know of a query language.
type Dialect struct {
	// Selectors are the fields that pick the event type (EventCode):
	// their values are compared as sets, not condition by condition.
	Selectors []string
	// Scope are fields that say where to search (index), not what:
	// they are not compared.
	Scope []string
	// FieldPrefix is written before field names ($ in DNIF) and is
	// not part of the profile's names.
	FieldPrefix string
}

// atom is one test of a flattened condition.
type atom struct {
	field string // canonical: lower case, the path field for a name
	shown string // as written
	neg   bool
	op    Op
	pat   string // lower-cased glob, or a regex when re
	re    bool
	fold  bool
	term  bool     // a full-text term
	lit   string   // the longest literal run of pat
	parts []string // its literal runs, for pairing
}

// flatten lists the tests of a condition with their polarity.
func flatten(n *Node, neg bool, out *[]atom) {
	if n == nil {
		return
	}
	switch n.Kind {
	case And, Or:
		for _, k := range n.Kids {
			flatten(k, neg, out)
		}
	case Not:
		for _, k := range n.Kids {
			flatten(k, !neg, out)
		}
	case Term:
		a := atom{term: true, shown: n.Text, pat: strings.ToLower(n.Text), neg: neg}
		a.parts = literals(a.pat)
		a.lit = longestLiteral(a.pat)
		*out = append(*out, a)
	case Cmp:
		t := n.Test
		a := atom{field: t.Field, shown: showTest(t), neg: neg, op: t.Op, fold: t.Value.Fold}
		if a.op == Ne {
			a.op, a.neg = Eq, !neg
		}
		a.pat, a.re, a.fold = globOf(t.Value)
		if t.Op == Flag {
			a.pat = "true"
		}
		if a.fold {
			a.pat = strings.ToLower(a.pat)
		}
		a.parts = literals(a.pat)
		a.lit = longestLiteral(a.pat)
		for _, b := range *out {
			if b.field == a.field && b.neg == a.neg && b.pat == a.pat && b.op == a.op && !b.term {
				return // the same test again (C:\Windows and C:\WINDOWS)
			}
		}
		*out = append(*out, a)
	}
}

// literals are the runs of a pattern without wildcards or separators.
func literals(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '*' || r == '?' || r == '\\' || r == '/' || r == '%' })
}

func showTest(t Test) string {
	switch t.Op {
	case Flag:
		return t.Field
	}
	v := t.Value.Text
	switch t.Value.Kind {
	case Regex:
		v = "regex " + v
	case Like:
		v = "like " + v
	}
	return t.Field + string(t.Op) + v
}

// globOf writes a value as a glob where it can: a regular expression
// that only anchors, escapes and .* is one; else it stays a regex. It
// also says whether the value compares ignoring case.
func globOf(v Value) (pat string, re, fold bool) {
	switch v.Kind {
	case Glob, Exact:
		return v.Text, false, v.Fold
	case Like:
		return strings.NewReplacer("%", "*", "_", "?").Replace(v.Text), false, v.Fold
	}
	text, fold := v.Text, v.Fold
	if strings.HasPrefix(text, "(?i)") {
		text, fold = text[4:], true
	}
	if g, ok := regexGlob(text); ok {
		return g, false, fold
	}
	return text, true, fold
}

// regexGlob turns a simple regular expression into the glob it means:
// ^ and $ anchor (a missing anchor is a *), .* and [^\\/]* are *,
// (?:^|[\\/]) is a path boundary, escaped characters are themselves.
func regexGlob(re string) (string, bool) {
	s := re
	var b strings.Builder
	if strings.HasPrefix(s, `(?:^|[\\/])`) {
		// The start or a separator: a base name anywhere, or, for a
		// value that is itself a path, the whole value.
		s = s[len(`(?:^|[\\/])`):]
		if !strings.Contains(strings.ReplaceAll(s, `[^\\/]`, ""), `\\`) {
			b.WriteString(`*\`)
		}
	} else if strings.HasPrefix(s, "^") {
		s = s[1:]
	} else {
		b.WriteByte('*')
	}
	end := "*"
	if strings.HasSuffix(s, "$") && !strings.HasSuffix(s, `\$`) {
		s, end = s[:len(s)-1], ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], ".*"):
			b.WriteByte('*')
			i++
		case strings.HasPrefix(s[i:], `[^\\/]*`):
			b.WriteByte('*')
			i += len(`[^\\/]*`) - 1
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`\.()[]{}*+?|^$/-"' `, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '\\' && i+3 < len(s) && s[i+1] == 'x' && hexPrintable(s[i+2:i+4]) != 0:
			b.WriteByte(hexPrintable(s[i+2 : i+4])) // \x20, as DNIF's regex() is written
			i += 3
		case c == '.':
			b.WriteByte('?') // any one character
		case strings.IndexByte(`\()[]{}*+?|^$`, c) >= 0:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(end)
	return strings.ReplaceAll(b.String(), "**", "*"), true
}

// hexPrintable is the character two hex digits name, when it is printable
// ASCII and no glob wildcard; else 0.
func hexPrintable(h string) byte {
	n, err := strconv.ParseUint(h, 16, 8)
	if err != nil || n < 0x20 || n >= 0x7f || n == '*' || n == '?' || n == '\\' {
		return 0
	}
	return byte(n)
}

// longestLiteral is the longest run of a pattern without wildcards or
// path separators, by which two tests of one field are paired.
func longestLiteral(p string) string {
	best := ""
	for _, part := range literals(p) {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

// canon rewrites the atoms' fields for comparison: the profile's
// name field for a process's base name becomes its path field with the
// name as "*\name" (Endgame's process_name against process_path), field
// names lose the dialect's prefix and case.
func canon(atoms []atom, d Dialect, p *profile.Profile) []atom {
	type rewrite struct{ path string }
	names := map[string]string{}
	if p != nil {
		for _, ev := range p.Events {
			for _, pair := range [][2]string{{"exe", "image_path"}, {"parent_exe", "parent_image_path"}} {
				name, okN := ev.Fields[pair[0]]
				path, okP := ev.Fields[pair[1]]
				if okN && okP && name.Transform == profile.Same && name.Field != path.Field {
					names[strings.ToLower(name.Field)] = strings.ToLower(path.Field)
				}
			}
		}
	}
	out := make([]atom, len(atoms))
	for i, a := range atoms {
		a.field = strings.ToLower(strings.TrimPrefix(a.field, d.FieldPrefix))
		if path, ok := names[a.field]; ok && !a.term && !a.re && a.op == Eq {
			a.field = path
			if !strings.HasPrefix(a.pat, "*") {
				a.pat = `*\` + a.pat
			}
		}
		out[i] = a
	}
	return out
}

// Compare lists the differences between a hand-written and a generated
// query of one language, the generated one read with the same reader.
// Tests are paired field by field, best match first (the same pattern,
// then the same last literal, then shared literals), then across fields
// for what is left; a test left over is missing or extra.
func Compare(hand, gen *Query, d Dialect, p *profile.Profile) []Finding {
	var ha, ga []atom
	flatten(hand.Where, false, &ha)
	flatten(gen.Where, false, &ga)
	ha, ga = canon(ha, d, p), canon(ga, d, p)
	fs := compareSelectors(hand, gen, ha, ga, d)
	skip := func(a atom) bool {
		return slices.Contains(d.Scope, a.field) || slices.ContainsFunc(d.Selectors, func(s string) bool { return strings.EqualFold(s, a.field) })
	}
	// A generated "field is present" test (pattern *) is how the
	// backend keeps the two-valued logic of a negation, not a condition
	// of the analytic.
	usedG := make([]bool, len(ga))
	for i, g := range ga {
		usedG[i] = skip(g) || g.term || g.pat == "*" && !g.neg && !g.re
	}
	usedH := make([]bool, len(ha))
	for j, h := range ha {
		usedH[j] = skip(h)
	}
	type pair struct{ g, h, score int }
	pairs := func(sameField bool, min int) []pair {
		var ps []pair
		for i, g := range ga {
			for j, h := range ha {
				if usedG[i] || usedH[j] || h.term || (h.field == g.field) != sameField {
					continue
				}
				if sc := pairScore(g, h); sc >= min {
					ps = append(ps, pair{i, j, sc})
				}
			}
		}
		slices.SortStableFunc(ps, func(a, b pair) int { return b.score - a.score })
		return ps
	}
	type found struct {
		g int
		f Finding
	}
	var got []found
	for _, same := range []bool{true, false} {
		min := 1
		if !same {
			min = 40 // across fields only a clear match
		}
		for _, pr := range pairs(same, min) {
			if usedG[pr.g] || usedH[pr.h] {
				continue
			}
			usedG[pr.g], usedH[pr.h] = true, true
			g, h := ga[pr.g], ha[pr.h]
			if !same {
				got = append(got, found{pr.g, Finding{Kind: KindField, Field: g.shownField(), Hand: polar(h), Generated: polar(g),
					Message: fmt.Sprintf("the query tests %s where the pseudocode's condition is on %s (%s)", polar(h), g.shownField(), polar(g))}})
				continue
			}
			if f, ok := classify(h, g); ok {
				got = append(got, found{pr.g, f})
			}
		}
	}
	for i, g := range ga {
		if usedG[i] {
			continue
		}
		// The same literal as a full-text term.
		if j := findTerm(ha, usedH, g); j >= 0 {
			usedH[j] = true
			got = append(got, found{i, Finding{Kind: KindFullText, Field: g.shownField(), Hand: ha[j].shown, Generated: g.shown,
				Message: fmt.Sprintf("%q is searched as a full-text term, not as a test of %s", ha[j].shown, g.shownField())}})
			continue
		}
		got = append(got, found{i, Finding{Kind: KindMissing, Field: g.shownField(), Generated: polar(g),
			Message: fmt.Sprintf("the pseudocode's condition %s is not in the query", polar(g))}})
	}
	// In the order of the pseudocode's conditions, then the extras in
	// the query's order.
	slices.SortStableFunc(got, func(a, b found) int { return a.g - b.g })
	for _, x := range got {
		fs = append(fs, x.f)
	}
	for j, h := range ha {
		if usedH[j] {
			continue
		}
		if h.term {
			fs = append(fs, Finding{Kind: KindExtra, Hand: h.shown, Message: fmt.Sprintf("the full-text term %q is not in the pseudocode", h.shown)})
			continue
		}
		fs = append(fs, Finding{Kind: KindExtra, Field: h.shownField(), Hand: polar(h), Message: fmt.Sprintf("%s is not in the pseudocode", polar(h))})
	}
	return fs
}

func (a atom) shownField() string {
	if i := strings.IndexAny(a.shown, "=!<>"); i > 0 {
		return a.shown[:i]
	}
	return a.shown
}

// polar writes a test with its polarity: a "!=" test is already
// negated as written.
func polar(a atom) string {
	if a.neg != strings.Contains(a.shown, "!=") {
		return "NOT " + a.shown
	}
	return a.shown
}

// pairScore says how likely two tests are the same condition: the
// same pattern, the same last literal (the program's name), literals in
// common.
func pairScore(g, h atom) int {
	if g.pat == h.pat && g.re == h.re {
		return 1000
	}
	s := 0
	if len(g.parts) > 0 && len(h.parts) > 0 && g.parts[len(g.parts)-1] == h.parts[len(h.parts)-1] {
		s += 40
	}
	for _, x := range g.parts {
		if slices.Contains(h.parts, x) {
			s += 10
		}
	}
	if s == 0 && sharePart(g.parts, h.parts, true) {
		s = 5
	}
	if s == 0 && (g.re || h.re) {
		s = 1 // a regular expression against anything on its field
	}
	if s > 0 && g.neg == h.neg {
		s += 2
	}
	return s
}

// sharePart reports two patterns with a literal run in common, or
// (contains) one run inside the other.
func sharePart(a, b []string, contains bool) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y || contains && len(x) > 2 && len(y) > 2 && (strings.Contains(x, y) || strings.Contains(y, x)) {
				return true
			}
		}
	}
	return false
}

func findTerm(ha []atom, used []bool, g atom) int {
	for j, h := range ha {
		if !used[j] && h.term && g.lit != "" && strings.Contains(h.pat, g.lit) {
			return j
		}
	}
	return -1
}

// classify names the difference between two paired tests.
func classify(h, g atom) (Finding, bool) {
	f := Finding{Field: g.shownField(), Hand: polar(h), Generated: polar(g)}
	if h.neg != g.neg {
		f.Kind = KindNegation
		f.Message = fmt.Sprintf("%s is negated on one side only", f.Field)
		return f, true
	}
	if h.pat == g.pat {
		if h.fold != g.fold && !g.re && hasLetter(g.pat) {
			f.Kind = KindCase
			f.Message = fmt.Sprintf("%s compares case-sensitively where the pseudocode ignores case", f.Field)
			if h.fold {
				f.Message = fmt.Sprintf("%s ignores case where the generated query keeps it", f.Field)
			}
			return f, true
		}
		return f, false
	}
	base, isBase := baseName(g.pat)
	hp := h.pat
	switch {
	case strings.HasPrefix(g.pat, `*\`) && strings.Contains(g.pat[2:], `\`) && !g.re:
		f.Kind = KindNeverMatches
		f.Message = fmt.Sprintf("the pseudocode compares a base name with the path %s, which no event matches; the query tests %s=%s", g.pat[2:], f.Field, hp)
	case isBase && !h.re:
		// Try the hand-written pattern on paths the pseudocode's base
		// name does and does not match.
		m := func(path string) bool { return globMatch(strings.ToLower(hp), strings.ToLower(path)) }
		usual, elsewhere := `c:\windows\system32\`+base, `d:\tools\`+base
		longer := `c:\windows\system32\x` + base
		inside := []string{usual + `.x`, `c:\` + base + `\x.exe`}
		// The hand-written pattern's own example value.
		example := strings.NewReplacer("*", "x", "?", "x").Replace(strings.ToLower(hp))
		switch {
		case strings.Contains(hp, `\\`):
			f.Kind = KindValue
			f.Message = fmt.Sprintf("%s=%s holds doubled backslashes, which the language reads as two: it matches no Windows path", f.Field, hp)
		case m(inside[0]) || m(inside[1]):
			f.Kind = KindSubstring
			f.Message = fmt.Sprintf("%s=%s matches any value containing %q, the pseudocode only the name %q", f.Field, hp, base, base)
		case m(longer):
			f.Kind = KindSuffix
			f.Message = fmt.Sprintf("%s=%s also matches longer names than %q (no path separator before it)", f.Field, hp, base)
		case (m(usual) || globMatch(g.pat, example)) && !m(elsewhere):
			f.Kind = KindFullPath
			f.Message = fmt.Sprintf("%s names the full path %s where the pseudocode names only %q: the program elsewhere is missed", f.Field, hp, base)
		default:
			f.Kind = KindValue
			f.Message = fmt.Sprintf("%s: the query tests %s, the pseudocode %s", f.Field, hp, g.pat)
		}
	case !h.re && !g.re && !strings.HasPrefix(g.pat, "*") && strings.HasPrefix(hp, `*\`) && strings.HasSuffix(g.pat, hp[1:]):
		f.Kind = KindBaseName
		f.Message = fmt.Sprintf("%s matches the base name anywhere where the pseudocode names the path %s", f.Field, g.pat)
	default:
		f.Kind = KindValue
		f.Message = fmt.Sprintf("%s: the query tests %s, the pseudocode %s", f.Field, hp, g.pat)
	}
	return f, true
}

// globMatch matches a glob (* any run, ? one character) against s, in
// time linear in their lengths times the number of stars.
func globMatch(p, s string) bool {
	star, back := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, back = i, j
			i++
		case star >= 0:
			i, back = star+1, back+1
			j = back
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// baseName reports a pattern that is a base name anywhere: *\name.
func baseName(p string) (string, bool) {
	if !strings.HasPrefix(p, `*\`) {
		return "", false
	}
	rest := p[2:]
	if rest == "" || strings.ContainsAny(rest, `*?\`) {
		return "", false
	}
	return rest, true
}

var letter = regexp.MustCompile(`[a-z]`)

func hasLetter(s string) bool { return letter.MatchString(s) }

// compareSelectors compares the event codes and categories.
func compareSelectors(hand, gen *Query, ha, ga []atom, d Dialect) []Finding {
	var fs []Finding
	values := func(as []atom) map[string][]string {
		m := map[string][]string{}
		for _, a := range as {
			if a.term || a.neg || a.re {
				continue
			}
			for _, s := range d.Selectors {
				if strings.EqualFold(s, a.field) {
					k := strings.ToLower(s)
					v := strings.ToLower(a.pat)
					if !slices.Contains(m[k], v) {
						m[k] = append(m[k], v)
					}
				}
			}
		}
		for k := range m {
			slices.Sort(m[k])
		}
		return m
	}
	hv, gv := values(ha), values(ga)
	for _, s := range d.Selectors {
		k := strings.ToLower(s)
		h, g := hv[k], gv[k]
		if slices.Equal(h, g) || len(g) == 0 {
			continue
		}
		msg := fmt.Sprintf("the query searches %s %s, the pseudocode's events are %s %s", s, strings.Join(h, ", "), s, strings.Join(g, ", "))
		if slices.Equal(g, []string{"true"}) {
			msg = fmt.Sprintf("the query does not test %s, which selects the pseudocode's events", s)
		} else if len(h) == 0 {
			msg = fmt.Sprintf("the query does not select %s (the pseudocode's events are %s)", s, strings.Join(g, ", "))
		}
		fs = append(fs, Finding{Kind: KindEventCode, Field: s, Hand: strings.Join(h, ", "), Generated: strings.Join(g, ", "), Message: msg})
	}
	hc, gc := slices.Clone(hand.Categories), slices.Clone(gen.Categories)
	slices.Sort(hc)
	slices.Sort(gc)
	hc, gc = slices.Compact(hc), slices.Compact(gc)
	if len(gc) > 0 && !slices.Equal(hc, gc) {
		fs = append(fs, Finding{Kind: KindEventCode, Field: "category", Hand: strings.Join(hc, ", "), Generated: strings.Join(gc, ", "),
			Message: fmt.Sprintf("the query searches %s events, the pseudocode %s", strings.Join(hc, ", "), strings.Join(gc, ", "))})
	}
	return fs
}
