package ir

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser/check"
)

// Unsupported says a construct has no meaning in this form yet, or in a
// backend: it names the construct and where it is.
type Unsupported struct {
	// Construct names the construct as the input has it; Kind, when
	// set, its kind alone, for summaries (backends.Category).
	Construct string
	Kind      string
	Pos       diag.Pos
	Reason    string
}

func (u *Unsupported) Error() string {
	msg := u.Construct + " is not supported"
	if u.Reason != "" {
		msg += ": " + u.Reason
	}
	return u.Pos.String() + ": " + msg
}

func unsupported(pos diag.Pos, construct, format string, args ...any) *Unsupported {
	return &Unsupported{Construct: construct, Pos: pos, Reason: fmt.Sprintf(format, args...)}
}

// Lower gives the queries of a checked program, one per output. A program
// that needs more than one dataset per output (joins, groups, set
// differences, other analytics' outputs, derived fields) is reported as
// unsupported, naming the construct; the program must have no errors.
func Lower(prog *ast.Program, info *check.Info) ([]Query, error) {
	return LowerRuns(prog, info, nil)
}

// Resolver gives the lowered outputs of the analytic with an ID, for
// "run Analytic:ID".
type Resolver func(id string) ([]Query, error)

// LowerRuns lowers a program whose "run" statements resolve gives the
// queries of (nil: they are refused).
func LowerRuns(prog *ast.Program, info *check.Info, resolve Resolver) ([]Query, error) {
	return LowerWith(prog, info, Options{Resolve: resolve})
}

// Options are what a program may need from outside to be lowered.
type Options struct {
	// Resolve gives the queries of "run Analytic:ID" (nil: refused).
	Resolve Resolver
	// Params are the values of the program's "input" parameters; a
	// parameter without one is refused where it is used.
	Params map[string]string
}

// LowerWith lowers a program with outside values.
func LowerWith(prog *ast.Program, info *check.Info, opt Options) ([]Query, error) {
	resolve := opt.Resolve
	l := &lowerer{info: info, defs: map[*check.Dataset]*ast.AssignStmt{}, resolve: resolve, params: opt.Params}
	for stmt, sym := range info.Defs {
		if sym.Dataset != nil {
			l.defs[sym.Dataset] = stmt
		}
	}
	if info.Bare {
		x := prog.Stmts[0].(*ast.ExprStmt).X
		c, err := l.cond(x)
		if err != nil {
			return nil, err
		}
		return []Query{{Cond: c, Pos: x.Pos()}}, nil
	}
	var out []Query
	for _, ds := range info.Outputs {
		q, err := l.dataset(ds)
		if err != nil {
			return nil, err
		}
		q.Name = ds.Name
		out = append(out, q)
	}
	return out, nil
}

type lowerer struct {
	info *check.Info
	defs map[*check.Dataset]*ast.AssignStmt
	// sides are the dataset names a join condition prefixes fields with,
	// dropped when a test of one side is lowered for that side.
	sides   map[string]bool
	resolve Resolver
	params  map[string]string
}

// param returns the value of an input parameter an expression names;
// ok is false when it names none.
func (l *lowerer) param(x ast.Expr) (Value, bool, error) {
	f, isRef := x.(*ast.FieldRef)
	if !isRef || len(f.Parts) != 1 || !l.info.Params[f.Parts[0]] {
		return Value{}, false, nil
	}
	name := f.Parts[0]
	v, given := l.params[name]
	if !given {
		u := unsupported(f.At, "parameter "+name, "give its value (cartrans run --param %s=…)", name)
		u.Kind = "a parameter without a value"
		return Value{}, true, u
	}
	if strings.Contains(v, "*") {
		u := unsupported(f.At, "parameter "+name, "its value %q holds a *: a parameter is plain text, and a * in a compared value is always a wildcard", v)
		u.Kind = "a parameter holding a *"
		return Value{}, true, u
	}
	val := NewValue(v, f.At)
	val.Quoted = true
	return val, true, nil
}

// dataset lowers the definition of a dataset, following filters back to
// their search.
func (l *lowerer) dataset(ds *check.Dataset) (Query, error) {
	st := l.defs[ds]
	if st == nil {
		return Query{}, unsupported(ds.Pos, "set difference", "%s is the events of one dataset not in another", ds.Name)
	}
	switch q := st.Query.(type) {
	case *ast.SearchQuery:
		out := Query{Pos: q.At}
		for _, o := range ds.Objects {
			for _, a := range ds.Actions[o.Name] {
				out.Sources = append(out.Sources, Source{Object: o.ID(), Action: a})
			}
		}
		if q.Where != nil {
			c, err := l.cond(q.Where)
			if err != nil {
				return Query{}, err
			}
			out.Cond = c
		}
		return out, nil
	case *ast.FilterQuery:
		src := l.info.Sources[q]
		if q.Source != nil {
			src = l.info.Uses[q.Source]
		}
		base, err := l.dataset(src)
		if err != nil {
			return Query{}, err
		}
		switch {
		case base.Aggregate != nil:
			if len(base.Aggregate.Items) == 0 {
				return Query{}, unsupported(q.At, "filter of a group", "filter the events before grouping, or aggregate them with select")
			}
			h, err := l.having(q.Where, base.Aggregate)
			if err != nil {
				return Query{}, err
			}
			agg := *base.Aggregate
			agg.Having = AndOf(agg.Having, h)
			base.Aggregate = &agg
			return base, nil
		case base.Join != nil:
			return Query{}, unsupported(q.At, "filter of a join", "put the tests in the join's condition")
		}
		c, err := l.cond(q.Where)
		if err != nil {
			return Query{}, err
		}
		base.Cond = AndOf(base.Cond, c)
		base.Pos = q.At
		return base, nil
	case *ast.JoinQuery:
		return l.join(q)
	case *ast.GroupQuery:
		return l.group(q)
	case *ast.SelectQuery:
		return l.selectQuery(q)
	case *ast.CountQuery:
		src, err := l.dataset(l.info.Uses[q.Source])
		if err != nil {
			return Query{}, err
		}
		if src.Join != nil || src.Aggregate != nil {
			return Query{}, unsupported(q.At, "count of a join or a group", "")
		}
		agg := &Aggregate{Source: &src, Items: []AggItem{{Func: "count", As: "count", Pos: q.At}}}
		for _, f := range q.By {
			fl, _ := l.field(f)
			agg.By = append(agg.By, fl)
		}
		return Query{Pos: q.At, Aggregate: agg}, nil
	case *ast.RunQuery:
		return l.run(st, q)
	case nil:
		if d, ok := st.Value.(*ast.BinaryExpr); ok {
			if pair, ok := l.info.Diffs[d]; ok {
				return l.difference(st, pair[0], pair[1])
			}
		}
		return Query{}, unsupported(st.Name.At, "set difference", "%s is the events of one dataset not in another", st.Name.Name)
	}
	return Query{}, unsupported(st.Name.At, "statement", "%s", st.Name.Name)
}

// run lowers "x = run Analytic:ID" to that analytic's output: the union
// of its result sets, which is one query when they search the same events
// (their conditions or'd), and is refused otherwise.
func (l *lowerer) run(st *ast.AssignStmt, q *ast.RunQuery) (Query, error) {
	if l.resolve == nil {
		return Query{}, unsupported(q.At, "analytic reference", "%s uses the output of %s", st.Name.Name, q.Analytic)
	}
	qs, err := l.resolve(q.Analytic)
	if err != nil {
		return Query{}, unsupported(q.At, "analytic reference", "%s: %v", q.Analytic, err)
	}
	if len(qs) == 0 {
		return Query{}, unsupported(q.At, "analytic reference", "%s has no output", q.Analytic)
	}
	out := qs[0]
	for _, o := range qs[1:] {
		if out.Join != nil || out.Aggregate != nil || o.Join != nil || o.Aggregate != nil || !reflect.DeepEqual(o.Sources, out.Sources) {
			return Query{}, unsupported(q.At, "reference to an analytic whose outputs search different events", "%s has several result sets", q.Analytic)
		}
		if out.Cond == nil || o.Cond == nil {
			out.Cond = nil // one of them is every event
			continue
		}
		out.Cond = Or{Terms: append(alternatives(out.Cond), o.Cond)}
	}
	out.Name, out.Pos = "", q.At
	return out, nil
}

// alternatives are the terms of an or, or the condition itself.
func alternatives(c Cond) []Cond {
	if o, ok := c.(Or); ok {
		return o.Terms
	}
	return []Cond{c}
}

// difference lowers "x = a - b", the events of a that are not events of
// b. When b searches every object and action a does (b filters what a
// searches, say), that is a's condition and not b's, exactly: an event of
// a is in b when b's condition holds. Over events b never searches (other
// objects or actions), it is a. Anything else (a join, a group, sources
// that only overlap) is refused.
func (l *lowerer) difference(st *ast.AssignStmt, da, db *check.Dataset) (Query, error) {
	a, err := l.dataset(da)
	if err != nil {
		return Query{}, err
	}
	b, err := l.dataset(db)
	if err != nil {
		return Query{}, err
	}
	if a.Join != nil || a.Aggregate != nil || b.Join != nil || b.Aggregate != nil || len(a.Sources) == 0 || len(b.Sources) == 0 {
		return Query{}, unsupported(st.Name.At, "set difference of joins, groups or bare conditions", "%s is the events of one dataset not in another", st.Name.Name)
	}
	// An event of a is in b's sources when b searches its object and
	// action, or every action of its object.
	covered, overlaps := 0, 0
	for _, s := range a.Sources {
		in, near := false, false
		for _, t := range b.Sources {
			if s.Object != t.Object {
				continue
			}
			switch {
			case s.Action == t.Action || t.Action == "*":
				in = true
			case s.Action == "*":
				near = true
			}
		}
		if in {
			covered++
		} else if near {
			overlaps++
		}
	}
	switch {
	case covered == 0 && overlaps == 0:
		a.Pos = st.Name.At
		return a, nil
	case covered != len(a.Sources):
		return Query{}, unsupported(st.Name.At, "set difference of datasets over partly different events", "%s searches events %s does not", da.Name, db.Name)
	case b.Cond == nil:
		return Query{}, unsupported(st.Name.At, "set difference that is empty", "%s holds every event %s searches", db.Name, da.Name)
	}
	// When b filters a, b's condition begins with a's: only the rest is
	// negated (a and not (a and c) is a and not c).
	at, bt := terms(a.Cond), terms(b.Cond)
	if len(at) < len(bt) && reflect.DeepEqual(at, bt[:len(at)]) {
		b.Cond = andAll(bt[len(at):])
	}
	a.Cond = AndOf(a.Cond, Not{X: b.Cond})
	a.Pos = st.Name.At
	return a, nil
}

// terms are the conjuncts of a condition.
func terms(c Cond) []Cond {
	switch c := c.(type) {
	case nil:
		return nil
	case And:
		return c.Terms
	}
	return []Cond{c}
}

// AndOf is the condition that a and b hold, either of them nil for none;
// an and among them is flattened into the result's terms.
func AndOf(a, b Cond) Cond {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	var terms []Cond
	for _, c := range []Cond{a, b} {
		if x, ok := c.(And); ok {
			terms = append(terms, x.Terms...)
		} else {
			terms = append(terms, c)
		}
	}
	return And{Terms: terms}
}

// andAll is AndOf of every condition of cs, built in one pass: folding
// them with AndOf copies the terms so far at each step.
func andAll(cs []Cond) Cond {
	var all []Cond
	for _, c := range cs {
		all = append(all, terms(c)...)
	}
	if len(all) == 1 {
		return all[0]
	}
	return And{Terms: all}
}

// cond lowers a condition.
func (l *lowerer) cond(x ast.Expr) (Cond, error) {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return l.cond(x.X)
	case *ast.NotExpr:
		c, err := l.cond(x.X)
		if err != nil {
			return nil, err
		}
		return Not{X: c}, nil
	case *ast.BinaryExpr:
		switch {
		case x.Op == ast.OpAnd || x.Op == ast.OpOr:
			// The operands of the whole chain of this operator are lowered
			// one by one, and those that lower to the same operator (a
			// list "in", a contains of several values) are spliced in: a
			// chain of n terms costs n, where lowering each side and
			// copying its terms into its parent's cost n².
			var terms []Cond
			for _, side := range Operands(x, x.Op) {
				c, err := l.cond(side)
				if err != nil {
					return nil, err
				}
				if x.Op == ast.OpAnd {
					if a, ok := c.(And); ok {
						terms = append(terms, a.Terms...)
						continue
					}
				} else if o, ok := c.(Or); ok {
					terms = append(terms, o.Terms...)
					continue
				}
				terms = append(terms, c)
			}
			if x.Op == ast.OpAnd {
				return And{Terms: terms}, nil
			}
			return Or{Terms: terms}, nil
		case x.Op.IsComparison():
			return l.comparison(x)
		}
		return nil, unsupported(x.Pos(), "arithmetic", "%s is not a condition", x.Op)
	case *ast.ChainExpr:
		return nil, unsupported(x.Pos(), "chained comparison", "it compares fields with each other (a join's time bound)")
	case *ast.MatchExpr:
		f, err := l.field(x.X)
		if err != nil {
			return nil, err
		}
		s, ok := x.Pattern.(*ast.StringLit)
		if !ok {
			return nil, unsupported(x.Pattern.Pos(), "match", "the pattern is not a string")
		}
		return Regexp{Field: f, Pattern: s.Value}, nil
	case *ast.ContainsExpr:
		f, err := l.field(x.X)
		if err != nil {
			return nil, err
		}
		vals, err := l.values(x.Value)
		if err != nil {
			return nil, err
		}
		var terms []Cond
		for _, v := range vals {
			// A substring test is a match with a wildcard on each side.
			s := v.Str
			if !strings.HasPrefix(s, "*") {
				s = "*" + s
			}
			if !strings.HasSuffix(s, "*") {
				s += "*"
			}
			terms = append(terms, Match{Field: f, Value: Value{Str: s, Pos: v.Pos, Quoted: true}})
		}
		var c Cond = orOf(terms)
		if x.Not {
			c = Not{X: c}
		}
		return c, nil
	case *ast.InExpr:
		f, err := l.field(x.X)
		if err != nil {
			return nil, err
		}
		vals, err := l.values(x.List)
		if err != nil {
			return nil, err
		}
		var terms []Cond
		for _, v := range vals {
			terms = append(terms, Match{Field: f, Value: v})
		}
		var c Cond = orOf(terms)
		if x.Not {
			c = Not{X: c}
		}
		return c, nil
	case *ast.ExistsExpr:
		f, err := l.field(x.X)
		if err != nil {
			return nil, err
		}
		return Exists{Field: f}, nil
	}
	return nil, unsupported(x.Pos(), "expression", "it is not a condition on an event's fields")
}

func orOf(terms []Cond) Cond {
	if len(terms) == 1 {
		return terms[0]
	}
	return Or{Terms: terms}
}

// comparison lowers field op literal (or literal op field).
func (l *lowerer) comparison(x *ast.BinaryExpr) (Cond, error) {
	fx, lit, op := x.X, x.Y, x.Op
	if _, ok := fx.(*ast.FieldRef); !ok {
		fx, lit, op = x.Y, x.X, flip(op)
	} else if _, isParam, _ := l.param(fx); isParam {
		fx, lit, op = x.Y, x.X, flip(op) // target_host == hostname
	}
	if v, isParam, err := l.param(lit); isParam {
		if err != nil {
			return nil, err
		}
		f, err := l.field(fx)
		if err != nil {
			return nil, err
		}
		return compareValue(f, op, v)
	}
	f, err := l.field(fx)
	if err != nil {
		return nil, err
	}
	switch v := lit.(type) {
	case *ast.NullLit:
		switch op {
		case ast.OpEq:
			return Not{X: Exists{Field: f}}, nil
		case ast.OpNe:
			return Exists{Field: f}, nil
		}
		return nil, unsupported(v.At, "comparison with null", "only == null and != null test presence")
	case *ast.CIDRLit:
		c := CIDR{Field: f, Block: v.Text}
		switch op {
		case ast.OpEq:
			return c, nil
		case ast.OpNe:
			return Not{X: c}, nil
		}
		return nil, unsupported(v.At, "address block", "an address block can only be compared with == or !=")
	case *ast.FieldRef:
		return nil, unsupported(v.At, "comparison of two fields", "%s is compared with %s", strings.Join(x.X.(*ast.FieldRef).Parts, "."), strings.Join(v.Parts, "."))
	}
	vals, err := l.values(lit)
	if err != nil {
		return nil, err
	}
	if len(vals) != 1 {
		return nil, unsupported(lit.Pos(), "comparison with a list", "use in")
	}
	return compareValue(f, op, vals[0])
}

// compareValue is a field compared with one value: equality with
// wildcards, or the ordering of numbers.
func compareValue(f Field, op ast.Op, val Value) (Cond, error) {
	switch op {
	case ast.OpEq:
		return Match{Field: f, Value: val}, nil
	case ast.OpNe:
		return Not{X: Match{Field: f, Value: val}}, nil
	}
	if !val.IsNum {
		return nil, unsupported(val.Pos, "ordering of strings", "%s %s %s: only numbers are ordered", f.Name, op, ast.QuoteString(val.Str))
	}
	return Compare{Field: f, Op: op.String(), Value: val}, nil
}

func flip(op ast.Op) ast.Op {
	switch op {
	case ast.OpLt:
		return ast.OpGt
	case ast.OpLe:
		return ast.OpGe
	case ast.OpGt:
		return ast.OpLt
	case ast.OpGe:
		return ast.OpLe
	}
	return op
}

// derived is the field a derived field copies, following copies of copies.
func (l *lowerer) derived(a *ast.FieldAssignStmt, at diag.Pos, depth int) (Field, error) {
	src, ok := a.Value.(*ast.FieldRef)
	if !ok {
		return Field{}, unsupported(at, "derived field", "%s is computed by an expression (%s), which no backend evaluates yet", strings.Join(a.Target.Parts, "."), a.Target.At)
	}
	if inner := l.info.Assigned[src]; inner != nil && depth < 16 {
		return l.derived(inner, at, depth+1)
	}
	parts := src.Parts
	// "x.f = x.g": g of the same event.
	if len(parts) > 1 && parts[0] == a.Target.Parts[0] {
		parts = parts[1:]
	}
	return Field{Name: strings.Join(parts, "."), Pos: at}, nil
}

// field lowers a field reference. A derived field that copies another
// ("x.f = x.g") is that field; one computed by an expression is refused
// where it is used.
func (l *lowerer) field(x ast.Expr) (Field, error) {
	f, ok := x.(*ast.FieldRef)
	if !ok {
		return Field{}, unsupported(x.Pos(), "expression", "only fields can be compared with values here")
	}
	if a := l.info.Assigned[f]; a != nil {
		return l.derived(a, f.At, 0)
	}
	parts := f.Parts
	if len(parts) > 1 && l.sides[parts[0]] {
		parts = parts[1:]
	}
	return Field{Name: strings.Join(parts, "."), Pos: f.At}, nil
}

// values lowers a literal, a list, or the name of a list constant.
func (l *lowerer) values(x ast.Expr) ([]Value, error) {
	switch v := x.(type) {
	case *ast.ParenExpr:
		return l.values(v.X)
	case *ast.StringLit:
		val := NewValue(v.Value, v.At)
		val.Quoted = true
		return []Value{val}, nil
	case *ast.NumberLit:
		return []Value{NewValue(v.Text, v.At)}, nil
	case *ast.ListLit:
		if v.Ellipsis {
			return nil, unsupported(v.At, "list ending in ...", "the values it stands for are not written")
		}
		var out []Value
		for _, e := range v.Elems {
			vs, err := l.values(e)
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		}
		return out, nil
	case *ast.FieldRef:
		if list, ok := l.info.Lists[v.Parts[0]]; ok && len(v.Parts) == 1 {
			return l.values(list)
		}
		if val, isParam, err := l.param(v); isParam {
			if err != nil {
				return nil, err
			}
			return []Value{val}, nil
		}
		return nil, unsupported(v.At, "comparison of two fields", "%s is a field or a parameter, not a value", strings.Join(v.Parts, "."))
	case *ast.DurationLit, *ast.NowLit, *ast.BinaryExpr:
		return nil, unsupported(x.Pos(), "time arithmetic", "conditions on the time of events relative to now")
	case *ast.CallExpr:
		return nil, unsupported(x.Pos(), "function call", "%s(…)", v.Fun.Name)
	}
	return nil, unsupported(x.Pos(), "value", "it is not a literal")
}

// join lowers "join (a, b) where …": the condition must be equalities of a
// field of each side (the keys), a time order and bound between the sides'
// times, and tests of one side alone, which go to that side.
func (l *lowerer) join(q *ast.JoinQuery) (Query, error) {
	left, err := l.dataset(l.info.Uses[q.Left])
	if err != nil {
		return Query{}, err
	}
	right, err := l.dataset(l.info.Uses[q.Right])
	if err != nil {
		return Query{}, err
	}
	if left.Join != nil || right.Join != nil || left.Aggregate != nil || right.Aggregate != nil {
		// Said here, for every backend: each would otherwise report the
		// side it cannot map, not the join it cannot make.
		return Query{}, unsupported(q.At, "join of a join or a group", "join the events, then group the pairs")
	}
	left.Name, right.Name = q.Left.Name, q.Right.Name
	j := &Join{}
	first := "" // the side whose event comes first, when ordered
	sideOf := func(f *ast.FieldRef) (string, []string, bool) {
		if len(f.Parts) < 2 {
			return "", nil, false
		}
		switch f.Parts[0] {
		case q.Left.Name:
			return "left", f.Parts[1:], true
		case q.Right.Name:
			return "right", f.Parts[1:], true
		}
		return "", nil, false
	}
	for _, c := range splitAnd(q.Where) {
		if l.joinTime(c, j, &first, sideOf) {
			continue
		}
		if b, ok := c.(*ast.BinaryExpr); ok && b.Op == ast.OpEq {
			fx, okx := b.X.(*ast.FieldRef)
			fy, oky := b.Y.(*ast.FieldRef)
			if okx && oky {
				sx, px, ok1 := sideOf(fx)
				sy, py, ok2 := sideOf(fy)
				if ok1 && ok2 && sx != sy {
					k := Key{Left: Field{Name: strings.Join(px, "."), Pos: fx.At}, Right: Field{Name: strings.Join(py, "."), Pos: fy.At}}
					if sx == "right" {
						k.Left, k.Right = k.Right, k.Left
					}
					j.Keys = append(j.Keys, k)
					continue
				}
			}
		}
		// A test of one side alone narrows that side.
		side, ok := l.oneSide(c, sideOf)
		if !ok {
			return Query{}, unsupported(c.Pos(), "join condition", "it is neither an equality of the two sides' fields, a time bound, nor a test of one side")
		}
		l.sides = map[string]bool{q.Left.Name: true, q.Right.Name: true}
		cond, err := l.cond(c)
		l.sides = nil
		if err != nil {
			return Query{}, err
		}
		if side == "left" {
			left.Cond = AndOf(left.Cond, cond)
		} else {
			right.Cond = AndOf(right.Cond, cond)
		}
	}
	j.Left, j.Right = &left, &right
	if first == "right" {
		j.Left, j.Right = j.Right, j.Left
		for k := range j.Keys {
			j.Keys[k].Left, j.Keys[k].Right = j.Keys[k].Right, j.Keys[k].Left
		}
	}
	return Query{Pos: q.At, Join: j}, nil
}

// splitAnd lists the conjuncts of a condition.
func splitAnd(x ast.Expr) []ast.Expr { return Operands(x, ast.OpAnd) }

// Operands lists, left to right, the operands of a chain of the operator
// op ("a or b or (c or d)" is a, b, c, d), through parentheses. The parser
// builds a chain as a left-deep tree as deep as the chain is long, so the
// walk keeps its own stack rather than recursing that deep.
func Operands(x ast.Expr, op ast.Op) []ast.Expr {
	var out []ast.Expr
	stack := []ast.Expr{x}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for {
			p, ok := x.(*ast.ParenExpr)
			if !ok {
				break
			}
			x = p.X
		}
		if b, ok := x.(*ast.BinaryExpr); ok && b.Op == op {
			stack = append(stack, b.Y, b.X)
			continue
		}
		out = append(out, x)
	}
	return out
}

// joinTime reads a bound on the sides' times: "a.time < b.time",
// "b.time <= a.time + 2 seconds", or the chain "a.time < b.time < a.time
// + 2 seconds". It reports whether c was one.
func (l *lowerer) joinTime(c ast.Expr, j *Join, first *string, sideOf func(*ast.FieldRef) (string, []string, bool)) bool {
	var operands []ast.Expr
	var ops []ast.Op
	switch c := c.(type) {
	case *ast.ParenExpr:
		return l.joinTime(c.X, j, first, sideOf)
	case *ast.ChainExpr:
		operands, ops = c.Operands, c.Ops
	case *ast.BinaryExpr:
		if !c.Op.IsComparison() || c.Op == ast.OpEq || c.Op == ast.OpNe {
			return false
		}
		operands, ops = []ast.Expr{c.X, c.Y}, []ast.Op{c.Op}
	default:
		return false
	}
	// Each operand is side.time, or side.time + duration.
	type term struct {
		side  string
		delta time.Duration
	}
	var terms []term
	for _, o := range operands {
		var d time.Duration
		if b, ok := o.(*ast.BinaryExpr); ok && b.Op == ast.OpAdd {
			dl, ok := b.Y.(*ast.DurationLit)
			if !ok {
				return false
			}
			o, d = b.X, dl.Value
		}
		f, ok := o.(*ast.FieldRef)
		if !ok {
			return false
		}
		side, rest, ok := sideOf(f)
		if !ok || len(rest) != 1 || rest[0] != "time" {
			return false
		}
		terms = append(terms, term{side, d})
	}
	for i, op := range ops {
		a, b := terms[i], terms[i+1]
		if op == ast.OpGt || op == ast.OpGe {
			a, b = b, a
		}
		// a (+da) < b (+db)
		switch {
		case a.side == b.side:
			return false
		case a.delta == 0 && b.delta == 0:
			// a before b
			if *first != "" && *first != a.side {
				return false
			}
			*first = a.side
			j.Ordered = true
		case a.delta == 0 && b.delta > 0:
			// a < b + d: a is at most d after b
			j.Within = b.delta
		default:
			return false
		}
	}
	return true
}

// oneSide reports which side every field of c belongs to.
func (l *lowerer) oneSide(c ast.Expr, sideOf func(*ast.FieldRef) (string, []string, bool)) (string, bool) {
	side := ""
	ok := true
	walkFields(c, func(f *ast.FieldRef) {
		s, _, isSide := sideOf(f)
		if !isSide {
			if _, isList := l.info.Lists[f.Parts[0]]; !isList || len(f.Parts) != 1 {
				ok = false
			}
			return
		}
		if side != "" && s != side {
			ok = false
		}
		side = s
	})
	return side, ok && side != ""
}

// walkFields calls fn for each field the condition tests: the fields of
// its operands, not those a match's pattern, a contains's values, a list
// or a call's arguments mention, which are values (a list constant, a
// parameter) or are refused when the condition is lowered.
func walkFields(x ast.Expr, fn func(*ast.FieldRef)) {
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FieldRef:
			fn(n)
		case *ast.MatchExpr:
			walkFields(n.X, fn)
			return false
		case *ast.ContainsExpr:
			walkFields(n.X, fn)
			return false
		case *ast.ListLit, *ast.CallExpr:
			return false
		}
		return true
	})
}

// group lowers "group a by f, g": the groups, whose columns a select adds.
func (l *lowerer) group(q *ast.GroupQuery) (Query, error) {
	if len(q.Sources) != 1 {
		return Query{}, unsupported(q.At, "group of several datasets", "group one dataset")
	}
	if q.Where != nil {
		return Query{}, unsupported(q.Where.Pos(), "group with a where clause", "filter the groups after a select")
	}
	src, err := l.dataset(l.info.Uses[q.Sources[0]])
	if err != nil {
		return Query{}, err
	}
	if src.Join != nil || src.Aggregate != nil {
		return Query{}, unsupported(q.At, "group of a join or a group", "")
	}
	agg := &Aggregate{Source: &src}
	for _, f := range q.By {
		fl, _ := l.field(f)
		agg.By = append(agg.By, fl)
	}
	return Query{Pos: q.At, Aggregate: agg}, nil
}

// aggFuncs maps the language's aggregate functions to one name each.
var aggFuncs = map[string]string{
	"count": "count", "min": "min", "max": "max", "avg": "avg", "average": "avg",
	"stddev": "stddev", "standard_deviation": "stddev", "unique": "unique", "values": "values", "sum": "sum",
}

// selectQuery lowers "from g select agg(f) as n, …": the columns of a
// group, or of all the events of a dataset as one group.
func (l *lowerer) selectQuery(q *ast.SelectQuery) (Query, error) {
	src, err := l.dataset(l.info.Uses[q.Source])
	if err != nil {
		return Query{}, err
	}
	var agg Aggregate
	switch {
	case src.Aggregate != nil && len(src.Aggregate.Items) == 0:
		agg = *src.Aggregate
	case src.Join == nil && src.Aggregate == nil:
		s := src
		agg = Aggregate{Source: &s}
	default:
		return Query{}, unsupported(q.At, "select of a join or of computed columns", "")
	}
	for _, it := range q.Items {
		c, ok := it.X.(*ast.CallExpr)
		if !ok {
			return Query{}, unsupported(it.X.Pos(), "projection", "a select of plain fields keeps every event; only aggregates are translated")
		}
		fn, ok := aggFuncs[strings.ToLower(c.Fun.Name)]
		if !ok || len(c.Args) > 1 {
			return Query{}, unsupported(c.Fun.At, "aggregate "+c.Fun.Name, "")
		}
		item := AggItem{Func: fn, Pos: c.Fun.At}
		if len(c.Args) == 1 {
			f, err := l.field(c.Args[0])
			if err != nil {
				return Query{}, err
			}
			item.Field = &f
		} else if fn != "count" {
			return Query{}, unsupported(c.Fun.At, "aggregate "+c.Fun.Name+" of nothing", "")
		}
		item.As = fn
		if item.Field != nil {
			item.As = fn + "_" + strings.ReplaceAll(item.Field.Name, ".", "_")
		}
		if it.As != nil {
			item.As = it.As.Name
		}
		agg.Items = append(agg.Items, item)
	}
	return Query{Pos: q.At, Aggregate: &agg}, nil
}

// having lowers a condition on an aggregate's columns: sums and
// differences of columns compared with numbers or durations.
func (l *lowerer) having(x ast.Expr, agg *Aggregate) (Cond, error) {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return l.having(x.X, agg)
	case *ast.NotExpr:
		c, err := l.having(x.X, agg)
		if err != nil {
			return nil, err
		}
		return Not{X: c}, nil
	case *ast.BinaryExpr:
		if x.Op == ast.OpAnd || x.Op == ast.OpOr {
			a, err := l.having(x.X, agg)
			if err != nil {
				return nil, err
			}
			b, err := l.having(x.Y, agg)
			if err != nil {
				return nil, err
			}
			if x.Op == ast.OpAnd {
				return And{Terms: []Cond{a, b}}, nil
			}
			return Or{Terms: []Cond{a, b}}, nil
		}
		if !x.Op.IsComparison() {
			break
		}
		cols, err := l.columns(x.X, agg, false)
		if err != nil {
			return nil, err
		}
		var v float64
		switch y := x.Y.(type) {
		case *ast.NumberLit:
			v = y.Value
		case *ast.DurationLit:
			v = y.Value.Seconds()
		default:
			return nil, unsupported(x.Y.Pos(), "condition on a group", "compare its columns with a number or a time span")
		}
		return Having{Terms: cols, Op: x.Op.String(), Value: v, Pos: x.Pos()}, nil
	}
	return nil, unsupported(x.Pos(), "condition on a group", "compare its columns with a number or a time span")
}

// columns reads "a", "a - b", "a + b - c" over an aggregate's columns.
func (l *lowerer) columns(x ast.Expr, agg *Aggregate, subtract bool) ([]Column, error) {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return l.columns(x.X, agg, subtract)
	case *ast.FieldRef:
		name := strings.Join(x.Parts, ".")
		known := false
		for _, it := range agg.Items {
			known = known || it.As == name
		}
		for _, b := range agg.By {
			known = known || b.Name == name
		}
		if !known {
			return nil, unsupported(x.At, "condition on a group", "%s is not one of its columns", name)
		}
		return []Column{{Name: name, Subtract: subtract}}, nil
	case *ast.BinaryExpr:
		if x.Op == ast.OpAdd || x.Op == ast.OpSub {
			a, err := l.columns(x.X, agg, subtract)
			if err != nil {
				return nil, err
			}
			b, err := l.columns(x.Y, agg, subtract != (x.Op == ast.OpSub))
			if err != nil {
				return nil, err
			}
			return append(a, b...), nil
		}
	}
	return nil, unsupported(x.Pos(), "condition on a group", "sums and differences of its columns only")
}
