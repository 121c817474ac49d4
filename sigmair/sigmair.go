// Package sigmair lowers a Sigma detection rule (package sigma's model)
// to the IR every backend and the native engine read: the logsource to
// CAR's objects and actions through a Sigma mapping (package sigmamap),
// each Sigma field to its CAR field, each value through its modifiers to
// the IR's patterns, regular expressions, comparisons and tests of
// presence, and the condition to and, or and not. What the IR cannot
// hold (a correlation, fieldref, the time-part modifiers, a regular
// expression RE2 cannot run) is refused by name with the rule's line; it
// never becomes a query that means something else. docs/design/sigma.md,
// "Lowering", gives the semantics and its sources.
package sigmair

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/plural"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
	"github.com/cartrans/cartrans/sigma"
	"github.com/cartrans/cartrans/sigmamap"
)

// Options tune the lowering.
type Options struct {
	// Map is the Sigma mapping; nil is the embedded one.
	Map *sigmamap.Map
	// Params gives the values of expand's placeholders, by name: a
	// placeholder with none is refused.
	Params map[string][]string
	// Filters are Sigma filter rules to apply: each one naming the rule
	// (by id or name) and sharing its logsource removes the events its
	// condition selects.
	Filters []*sigma.Rule
}

// WithFilters is the options with the filter rules among the analytics
// added to Filters (in a new slice), as every command applies the
// filters given with the rules.
func (o Options) WithFilters(as []*analytic.Analytic) Options {
	o.Filters = slices.Concat(o.Filters, Filters(as))
	return o
}

// mapping is the mapping to use: Map, or the embedded one.
func (o Options) mapping() *sigmamap.Map {
	if o.Map != nil {
		return o.Map
	}
	return sigmamap.Default()
}

// MaxVariants bounds the values one Sigma value may expand to (windash's
// permutations, placeholders' values, base64offset's shifts): a value
// with more is refused rather than written as a query of that size.
const MaxVariants = 4096

// MaxPatterns bounds the patterns one rule (with the filters applied to
// it) lowers to: each value may have MaxVariants, but a file of many
// such values would otherwise make a query of billions of tests from a
// few megabytes. SigmaHQ's largest rule has about 4,400.
const MaxPatterns = 100_000

// Lower gives a detection rule's query: the events of its logsource that
// meet its condition. The error is an *ir.Unsupported naming the
// construct, or a plain error for a logsource or field the mapping has no
// entry for.
func Lower(r *sigma.Rule, opt Options) ([]ir.Query, error) {
	switch r.Kind {
	case sigma.CorrelationRule:
		return nil, &ir.Unsupported{Construct: "a Sigma correlation rule", Pos: r.Pos,
			Reason: "counting or ordering the events of other rules over a time span is not held by the IR; the rules it correlates translate on their own"}
	case sigma.FilterRule:
		return nil, &ir.Unsupported{Construct: "a Sigma filter rule", Pos: r.Pos,
			Reason: "a filter is applied to the rules it names (given with them), not translated on its own"}
	}
	if r.Detection == nil || r.Detection.Condition() == nil {
		return nil, &ir.Unsupported{Construct: "a rule without a condition", Pos: r.Pos}
	}
	m := opt.mapping()
	src, err := m.Lookup(r.LogSource)
	if err != nil {
		return nil, err
	}
	patterns := 0
	l := &lowerer{rule: r, src: src, opt: opt, patterns: &patterns}
	cond, err := l.cond(r.Detection, r.Detection.Condition())
	if err != nil {
		return nil, err
	}
	for _, f := range opt.Filters {
		if !applies(f, r) {
			continue
		}
		fsrc, err := m.Lookup(f.LogSource)
		if err != nil || fsrc != src {
			continue
		}
		fc := f.Filter.Detection.Condition()
		if fc == nil {
			return nil, refuse(f.Pos, "a Sigma filter without a condition", "filter %s names the rule but selects nothing", filterName(f))
		}
		fl := &lowerer{rule: f, src: src, opt: opt, patterns: &patterns}
		fcond, err := fl.cond(f.Filter.Detection, fc)
		if err != nil {
			return nil, err
		}
		// The filter's condition selects the events to drop: a filter
		// is there "to suppress matches" of the rules it names (filters
		// specification, Introduction), so the rule keeps the events
		// that meet its condition and not the filter's.
		cond = ir.AndOf(cond, ir.Not{X: fcond})
	}
	cond = fold(cond)
	if isNever(cond) {
		return nil, refuse(r.Detection.Pos, "a condition no event can meet", "an empty list of values (or a search of none) makes it false whatever the event")
	}
	if isAlways(cond) {
		cond = nil
	}
	q := ir.Query{Name: queryName(r), Pos: r.Pos}
	if src.Log != "" {
		// A log service: its events are the log's, told by its Channel
		// (one of its channels), and by their event IDs when the
		// logsource is some of the log's events.
		pos := r.LogSource.Pos
		var channels, ids []ir.Cond
		for _, c := range src.Channels() {
			channels = append(channels, ir.Match{Field: ir.Field{Name: "log_name", Pos: pos}, Value: ir.Value{Str: c, Pos: pos, Quoted: true}})
		}
		for _, id := range src.EventIDs {
			ids = append(ids, ir.Match{Field: ir.Field{Name: "event_code", Pos: pos}, Value: ir.NewValue(strconv.Itoa(id), pos)})
		}
		logCond := combine(channels, false)
		if len(ids) > 0 {
			logCond = ir.AndOf(logCond, combine(ids, false))
		}
		q.Cond = ir.AndOf(logCond, cond)
	} else {
		for _, a := range src.Actions {
			q.Sources = append(q.Sources, ir.Source{Object: src.Object, Action: a})
		}
		q.Cond = cond
	}
	return []ir.Query{q}, nil
}

// queryName names the query as the backends name outputs.
func queryName(r *sigma.Rule) string {
	if r.Name != "" {
		return r.Name
	}
	return "detection"
}

// filterName names a filter rule for a refusal.
func filterName(f *sigma.Rule) string {
	switch {
	case f.ID != "":
		return f.ID
	case f.Name != "":
		return f.Name
	}
	return fmt.Sprintf("%q", f.Title)
}

// applies reports whether a filter names the rule.
func applies(f *sigma.Rule, r *sigma.Rule) bool {
	if f.Filter == nil || f.Filter.Detection == nil {
		return false
	}
	for _, ref := range f.Filter.Rules {
		if (r.ID != "" && ref.Ref == r.ID) || (r.Name != "" && ref.Ref == r.Name) {
			return true
		}
	}
	return false
}

type lowerer struct {
	rule *sigma.Rule
	src  *sigmamap.Source
	opt  Options
	// patterns counts the patterns written so far, against MaxPatterns.
	patterns *int
}

func refuse(pos diag.Pos, construct, format string, args ...any) *ir.Unsupported {
	return &ir.Unsupported{Construct: construct, Pos: pos, Reason: fmt.Sprintf(format, args...)}
}

// cond lowers a condition over the detection's searches.
func (l *lowerer) cond(d *sigma.Detection, c sigma.Cond) (ir.Cond, error) {
	switch c := c.(type) {
	case *sigma.And:
		return l.all(d, c.Args, true)
	case *sigma.Or:
		return l.all(d, c.Args, false)
	case *sigma.Not:
		x, err := l.cond(d, c.X)
		if err != nil {
			return nil, err
		}
		return ir.Not{X: x}, nil
	case *sigma.Ident:
		s := d.Search(c.Name)
		if s == nil {
			return nil, refuse(c.From, "search identifier "+c.Name, "the detection has none of that name")
		}
		return l.search(s)
	case *sigma.OfPattern:
		return l.of(d, c.Matches, c.All, c.From, "the pattern "+c.Pattern)
	case *sigma.OfThem:
		return l.of(d, c.Matches, c.All, c.From, "them")
	}
	return nil, fmt.Errorf("sigmair: condition %T", c)
}

func (l *lowerer) all(d *sigma.Detection, args []sigma.Cond, and bool) (ir.Cond, error) {
	terms := make([]ir.Cond, 0, len(args))
	for _, a := range args {
		t, err := l.cond(d, a)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return combine(terms, and), nil
}

// of is "1 of" (an or) or "all of" (an and) of the searches named.
func (l *lowerer) of(d *sigma.Detection, names []string, all bool, pos diag.Pos, what string) (ir.Cond, error) {
	if len(names) == 0 {
		// The reader reports it; a rule read with errors is not lowered.
		return nil, refuse(pos, "an \"of\" matching no search identifier", "%s names none", what)
	}
	terms := make([]ir.Cond, 0, len(names))
	for _, n := range names {
		s := d.Search(n)
		if s == nil {
			return nil, refuse(pos, "search identifier "+n, "the detection has none of that name")
		}
		t, err := l.search(s)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return combine(terms, all), nil
}

// combine is the and (or the or) of terms; one term is itself.
func combine(terms []ir.Cond, and bool) ir.Cond {
	switch {
	case len(terms) == 1:
		return terms[0]
	case and:
		return ir.And{Terms: terms}
	}
	return ir.Or{Terms: terms}
}

// never is a condition no event meets: an or of nothing; an and of
// nothing is met by every event. fold removes both from conditions, so
// no backend sees them.
var never ir.Cond = ir.Or{}

func isNever(c ir.Cond) bool  { o, ok := c.(ir.Or); return ok && len(o.Terms) == 0 }
func isAlways(c ir.Cond) bool { a, ok := c.(ir.And); return ok && len(a.Terms) == 0 }

// fold simplifies the constants away: an and holding never is never, an
// or holding always is always, and the others are dropped.
func fold(c ir.Cond) ir.Cond {
	switch c := c.(type) {
	case ir.And:
		var terms []ir.Cond
		for _, t := range c.Terms {
			t = fold(t)
			switch {
			case isNever(t):
				return never
			case isAlways(t):
				continue
			}
			terms = append(terms, t)
		}
		if len(terms) == 0 {
			return ir.And{}
		}
		return combine(terms, true)
	case ir.Or:
		var terms []ir.Cond
		for _, t := range c.Terms {
			t = fold(t)
			switch {
			case isAlways(t):
				return ir.And{}
			case isNever(t):
				continue
			}
			terms = append(terms, t)
		}
		if len(terms) == 0 {
			return never
		}
		return combine(terms, false)
	case ir.Not:
		x := fold(c.X)
		switch {
		case isNever(x):
			return ir.And{}
		case isAlways(x):
			return never
		}
		if inner, ok := x.(ir.Not); ok {
			// not not x is x ("not filter" of a "Field: null" filter
			// is a test of presence), which languages without a double
			// negation (DNIF) can then write.
			return inner.X
		}
		return ir.Not{X: x}
	}
	return c
}

// search is a search identifier: the or of its groups (a list), or its
// one group.
func (l *lowerer) search(s *sigma.Search) (ir.Cond, error) {
	terms := make([]ir.Cond, 0, len(s.Groups))
	for _, g := range s.Groups {
		t, err := l.group(g)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return never, nil
	}
	return combine(terms, false), nil
}

// group is the and of its items.
func (l *lowerer) group(g sigma.Group) (ir.Cond, error) {
	terms := make([]ir.Cond, 0, len(g.Items))
	for i := range g.Items {
		t, err := l.item(&g.Items[i])
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		// An empty map selects every event (and of nothing).
		return ir.And{}, nil
	}
	return combine(terms, true), nil
}

// field maps a Sigma field to the CAR field (or, for a log, the log
// field) the mapping gives it.
func (l *lowerer) field(it *sigma.FieldItem) (ir.Field, error) {
	car, ok := l.src.Field(it.Field)
	if !ok {
		return ir.Field{}, l.src.FieldError(it.Pos, it.Field)
	}
	return ir.Field{Name: car, Pos: it.Pos}, nil
}

// item lowers "Field|modifiers: values".
func (l *lowerer) item(it *sigma.FieldItem) (ir.Cond, error) {
	for _, m := range it.Modifiers {
		switch m.Mod {
		case sigma.ModFieldRef:
			return nil, refuse(m.Pos, "the fieldref modifier", "comparing two fields of one event is not held by the IR")
		case sigma.ModMinute, sigma.ModHour, sigma.ModDay, sigma.ModWeek, sigma.ModMonth, sigma.ModYear:
			return nil, refuse(m.Pos, "the "+m.Written+" modifier", "a part of a date is not held by the IR")
		}
	}
	var f ir.Field
	if !it.Keyword() {
		var err error
		if f, err = l.field(it); err != nil {
			return nil, err
		}
	} else {
		for _, m := range it.Modifiers {
			switch m.Mod {
			case sigma.ModExists, sigma.ModRe, sigma.ModCIDR, sigma.ModLt, sigma.ModLte, sigma.ModGt, sigma.ModGte:
				return nil, refuse(m.Pos, "a keyword with the "+m.Written+" modifier", "a keyword has no field to test")
			}
		}
		for _, v := range it.Values {
			if v.Kind == sigma.Null {
				return nil, refuse(v.Pos, "a keyword null", "null says a field is absent, and a keyword has no field")
			}
		}
	}
	// No value: null (absent), or an empty list (the reader warns: it
	// matches nothing).
	if len(it.Values) == 0 {
		return never, nil
	}
	var c ir.Cond
	if len(it.Values) == 1 {
		// One value, most items: its condition, without a list to
		// combine.
		var err error
		if c, err = l.value(it, f, it.Values[0]); err != nil {
			return nil, err
		}
	} else {
		terms := make([]ir.Cond, 0, len(it.Values))
		for _, v := range it.Values {
			t, err := l.value(it, f, v)
			if err != nil {
				return nil, err
			}
			terms = append(terms, t)
		}
		c = combine(terms, it.Has(sigma.ModAll))
	}
	if it.Has(sigma.ModNeq) {
		// "The field is different from the specified values"
		// (modifiers appendix, Generic Modifiers): the item negated
		// as a whole, as pySigma's SigmaNegateModifier negates it, so
		// F|neq: [a, b] is neither a nor b (and F|neq|all not both).
		c = ir.Not{X: c}
	}
	return c, nil
}

// compareOps are the numeric modifiers' operators.
var compareOps = map[sigma.Mod]string{sigma.ModLt: "<", sigma.ModLte: "<=", sigma.ModGt: ">", sigma.ModGte: ">="}

// compareOp is the operator of the item's numeric modifier, if it has one.
func compareOp(it *sigma.FieldItem) (string, bool) {
	for _, m := range it.Modifiers {
		if op, ok := compareOps[m.Mod]; ok {
			return op, true
		}
	}
	return "", false
}

// value lowers one value of an item.
func (l *lowerer) value(it *sigma.FieldItem, f ir.Field, v sigma.Value) (ir.Cond, error) {
	switch {
	case v.Kind == sigma.Null:
		// Sigma's null: the field is absent (specification, "Special
		// Field Values"; pySigma writes it as a test that the field
		// has no value).
		return ir.Not{X: ir.Exists{Field: f}}, nil
	case it.Has(sigma.ModExists):
		if v.Bool {
			return ir.Exists{Field: f}, nil
		}
		return ir.Not{X: ir.Exists{Field: f}}, nil
	case it.Has(sigma.ModRe):
		return l.regexp(it, f, v)
	case it.Has(sigma.ModCIDR):
		return ir.CIDR{Field: f, Block: v.Raw}, nil
	}
	if op, ok := compareOp(it); ok {
		return ir.Compare{Field: f, Op: op, Value: ir.Value{Str: v.Raw, Num: v.Float, IsNum: true, Pos: v.Pos}}, nil
	}
	variants, err := l.variants(it, v)
	if err != nil {
		return nil, err
	}
	if *l.patterns += len(variants); *l.patterns > MaxPatterns {
		return nil, refuse(v.Pos, fmt.Sprintf("a rule of more than %d patterns", MaxPatterns), "its values expand (windash, base64offset, expand) to too many tests to write as one query")
	}
	cased := it.Has(sigma.ModCased)
	if len(variants) == 1 {
		// One pattern, most values: its test, without a list to
		// combine.
		return l.variant(it, f, v, variants[0], cased, true), nil
	}
	terms := make([]ir.Cond, 0, len(variants))
	for _, segs := range variants {
		terms = append(terms, l.variant(it, f, v, segs, cased, false))
	}
	return combine(terms, false), nil
}

// variant is the test of one pattern of a value; only is true when the
// value has no other.
func (l *lowerer) variant(it *sigma.FieldItem, f ir.Field, v sigma.Value, segs []sigma.Segment, cased, only bool) ir.Cond {
	if it.Keyword() {
		// A keyword is looked for anywhere in a field's text.
		segs = wrap(segs, true, true)
		return ir.Keyword{Value: pattern(segs, cased, v.Pos)}
	}
	val := pattern(segs, cased, v.Pos)
	if v.Kind == sigma.Number && only && !transformed(it) {
		// A number compares as a number (EventID: 4688 matches
		// "4688" and 4688 alike), as the pseudocode's do.
		val = ir.NewValue(v.Raw, v.Pos)
		val.Quoted = true
	}
	return ir.Match{Field: f, Value: val}
}

// transformed reports whether a modifier rewrites the value's text.
func transformed(it *sigma.FieldItem) bool {
	return slices.ContainsFunc(it.Modifiers, func(m sigma.Modifier) bool {
		switch m.Mod {
		case sigma.ModAll, sigma.ModCased, sigma.ModNeq:
			return false
		}
		return true
	})
}

// pattern is ir.PatternValue(toIR(segs), cased, pos). A pattern with no
// single-character wildcard and no '*' or '?' in its text, nearly every
// one, needs no escape, and its text is its literals with '*' for each
// run wildcard: written here into one string of the exact size, without
// the segments' copy and the builder's growing (a third of lowering a
// rule). TestPatternFastPath holds both equal.
func pattern(segs []sigma.Segment, cased bool, pos diag.Pos) ir.Value {
	size := 0
	for _, s := range segs {
		switch s.Kind {
		case sigma.AnyString:
			size++
		case sigma.AnyChar:
			return ir.PatternValue(toIR(segs), cased, pos)
		default:
			if strings.ContainsAny(s.Text, "*?") {
				return ir.PatternValue(toIR(segs), cased, pos)
			}
			size += len(s.Text)
		}
	}
	var str string
	if len(segs) == 1 && segs[0].Kind != sigma.AnyString {
		str = segs[0].Text // one literal: its text, shared
	} else {
		var b strings.Builder
		b.Grow(size)
		for _, s := range segs {
			if s.Kind == sigma.AnyString {
				b.WriteByte('*')
			} else {
				b.WriteString(s.Text)
			}
		}
		str = b.String()
	}
	return ir.Value{Str: str, Pos: pos, Quoted: true, Cased: cased}
}

func toIR(segs []sigma.Segment) []ir.Seg {
	out := make([]ir.Seg, 0, len(segs))
	for _, s := range segs {
		switch s.Kind {
		case sigma.AnyString:
			out = append(out, ir.Seg{Kind: ir.AnyRun})
		case sigma.AnyChar:
			out = append(out, ir.Seg{Kind: ir.AnyOne})
		default:
			out = append(out, ir.Seg{Kind: ir.Lit, Text: s.Text})
		}
	}
	return out
}

// wrap adds "*" before (and after) a pattern, unless it has one there.
// The result is a new slice when it differs (made at its size), so segs
// is never changed.
func wrap(segs []sigma.Segment, before, after bool) []sigma.Segment {
	addBefore := before && (len(segs) == 0 || segs[0].Kind != sigma.AnyString)
	// An empty pattern wrapped both ways is one "*", as before's star
	// then satisfies after.
	addAfter := after && (len(segs) == 0 && !addBefore || len(segs) > 0 && segs[len(segs)-1].Kind != sigma.AnyString)
	if !addBefore && !addAfter {
		return segs
	}
	out := make([]sigma.Segment, 0, len(segs)+2)
	if addBefore {
		out = append(out, sigma.Segment{Kind: sigma.AnyString})
	}
	out = append(out, segs...)
	if addAfter {
		out = append(out, sigma.Segment{Kind: sigma.AnyString})
	}
	return out
}

// describe names a value for a refusal.
func describe(v sigma.Value) string {
	if len(v.Raw) > 60 {
		return fmt.Sprintf("%q…", v.Raw[:60])
	}
	return fmt.Sprintf("%q", v.Raw)
}

// rule is the Sigma rule an analytic holds, or nil.
func rule(a *analytic.Analytic) *sigma.Rule {
	if a == nil || a.Sigma == nil {
		return nil
	}
	r, _ := a.Sigma.Rule.(*sigma.Rule)
	return r
}

// Rules lists the analytics that are Sigma rules, in order.
func Rules(as []*analytic.Analytic) []*analytic.Analytic {
	var out []*analytic.Analytic
	for _, a := range as {
		if rule(a) != nil {
			out = append(out, a)
		}
	}
	return out
}

// Filters lists the Sigma filter rules among the analytics that read
// without errors, to apply to the rules they name.
func Filters(as []*analytic.Analytic) []*sigma.Rule {
	var out []*sigma.Rule
	for _, a := range as {
		if r := rule(a); r != nil && r.Kind == sigma.FilterRule && a.Sigma.Errors == 0 {
			out = append(out, r)
		}
	}
	return out
}

// LowerAnalytic lowers the Sigma rule an analytic holds; a rule read
// with errors is refused, as a pseudocode with errors is.
func LowerAnalytic(a *analytic.Analytic, opt Options) ([]ir.Query, error) {
	r := rule(a)
	if r == nil {
		return nil, fmt.Errorf("%s: %s is not a Sigma rule", a.Pos, a.ID)
	}
	if n := a.Sigma.Errors; n > 0 {
		return nil, fmt.Errorf("%s: the rule has %s (see cartrans lint)", a.Pos, plural.N(n, "error", "errors"))
	}
	return Lower(r, opt)
}

// Check is the mapping's first refusal of the rule's fields for the
// profile (its reason names the Sigma field; it says how many more there
// are), or nil.
func Check(a *analytic.Analytic, p *profile.Profile, opt Options) error {
	r := rule(a)
	if r == nil {
		return nil
	}
	refusals := opt.mapping().Check(r, p)
	switch len(refusals) {
	case 0:
		return nil
	case 1:
		return refusals[0]
	}
	first := *refusals[0]
	first.Reason += fmt.Sprintf(" (and %d more)", len(refusals)-1)
	return &first
}
