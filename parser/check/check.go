// Package check checks a parsed pseudocode program against the CAR data
// model and itself, the way a compiler's type checker follows its parser:
// every search names a real object and action, every field exists on the
// events it is read from (with a did-you-mean), every name is defined
// before it is used, every dataset is used, joins name their sides, and
// literals fit what they are compared with. It also records what each
// name denotes, for the backends.
package check

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/datamodel"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/suggest"
)

// Diagnostic codes of the checker; docs/pseudocode.md explains each.
const (
	CodeUnknownObject   = "E201"
	CodeUnknownAction   = "E202"
	CodeUnknownField    = "E203"
	CodeUndefined       = "E204"
	CodeUnused          = "W205"
	CodeNoOutput        = "W206"
	CodeJoinSide        = "E207"
	CodeBadRegexp       = "E209"
	CodeCIDRField       = "E210"
	CodeTypeMismatch    = "E211"
	CodeUnknownFunction = "E213"
	CodeEllipsis        = "W214"
	CodeBaseName        = "W215"
	CodeNotDataset      = "E216"
)

// Kind is what a name denotes.
type Kind int

const (
	KindDataset Kind = iota
	KindList
	KindParam
	KindScalar
)

func (k Kind) String() string {
	return [...]string{"dataset", "list", "parameter", "value"}[k]
}

// Dataset is what a dataset name denotes: the events of some data model
// objects, with the fields those carry and the ones the program derives.
type Dataset struct {
	Name string
	Pos  diag.Pos
	// Objects are the data model objects the events come from; Actions the
	// actions per object ("*" for all).
	Objects []*datamodel.Object
	Actions map[string][]string
	// Derived are fields the program adds: "x.f = …", select aliases,
	// group keys, "count".
	Derived []string
	// assigned are the "x.f = …" statements that derived fields, by name.
	assigned map[string]*ast.FieldAssignStmt
	// Closed is true when only Derived fields exist (a selection or count).
	Closed bool
	// Parts are the two sides of a join, by name.
	Parts map[string]*Dataset
	// Open is true when the fields are not known (another analytic's
	// output, or a dataset whose definition had errors): nothing is checked.
	Open bool
}

// HasField reports whether the dataset's events carry the field.
func (d *Dataset) HasField(name string) bool {
	if d.Open || slices.Contains(d.Derived, name) {
		return true
	}
	if d.Parts != nil {
		for _, p := range d.Parts {
			if p.HasField(name) {
				return true
			}
		}
		return false
	}
	if d.Closed {
		return false
	}
	for _, o := range d.Objects {
		if !o.HasField(name) {
			return false
		}
	}
	return len(d.Objects) > 0
}

// fieldNames lists the fields, for suggestions.
func (d *Dataset) fieldNames() []string {
	names := slices.Clone(d.Derived)
	if d.Closed {
		return names
	}
	for _, o := range d.Objects {
		names = append(names, o.AllFields()...)
	}
	for _, p := range d.Parts {
		names = append(names, p.fieldNames()...)
	}
	return names
}

// Symbol is a defined name.
type Symbol struct {
	Name    string
	Kind    Kind
	Pos     diag.Pos
	Dataset *Dataset // for KindDataset
	used    bool
	ident   *ast.Ident // the name where it is defined
}

// Info is what the checker learnt about a program.
type Info struct {
	// Outputs are the datasets the program names as its results, in order.
	Outputs []*Dataset
	// Defs maps each assignment to the symbol it defines.
	Defs map[*ast.AssignStmt]*Symbol
	// Sources maps a filter without a source to the dataset it filters.
	Sources map[*ast.FilterQuery]*Dataset
	// Uses maps every name read as a dataset to the dataset it denoted
	// there (names can be redefined, so the name alone does not say).
	Uses map[*ast.Ident]*Dataset
	// Lists maps the list constants to their values.
	Lists map[string]*ast.ListLit
	// Assigned maps a reference to a derived field to the "x.f = …"
	// statement that made it.
	Assigned map[*ast.FieldRef]*ast.FieldAssignStmt
	// Params are the names the program declares with "input".
	Params map[string]bool
	// Diffs maps each set difference "a - b" to its two datasets.
	Diffs map[*ast.BinaryExpr][2]*Dataset
	// Runs lists the analytics the program uses with "run".
	Runs []*ast.RunQuery
	// Bare is set for a block that is one condition over all events.
	Bare bool
}

// Check checks prog and returns what it learnt and the diagnostics.
func Check(prog *ast.Program) (*Info, diag.List) {
	c := &checker{info: &Info{Defs: map[*ast.AssignStmt]*Symbol{}, Sources: map[*ast.FilterQuery]*Dataset{},
		Uses: map[*ast.Ident]*Dataset{}, Lists: map[string]*ast.ListLit{}, Diffs: map[*ast.BinaryExpr][2]*Dataset{}, Assigned: map[*ast.FieldRef]*ast.FieldAssignStmt{}},
		scope: map[string]*Symbol{}}
	c.program(prog)
	c.diags.Sort()
	return c.info, c.diags
}

type checker struct {
	info    *Info
	diags   diag.List
	scope   map[string]*Symbol
	all     []*Symbol // every definition, for unused-dataset reports
	last    *Dataset  // the dataset defined last, for filters without a source
	outputs bool
}

// errorf reports an error about the node n, which the diagnostic spans.
func (c *checker) errorf(n ast.Node, code, suggestion, format string, args ...any) {
	c.diags = append(c.diags, diag.Diagnostic{Pos: n.Pos(), End: n.End(), Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// warnf reports a warning about the node n, which the diagnostic spans.
func (c *checker) warnf(n ast.Node, code, suggestion, format string, args ...any) {
	c.diags = append(c.diags, diag.Diagnostic{Pos: n.Pos(), End: n.End(), Severity: diag.Warning, Code: code, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// fix attaches a certain repair to the diagnostic just reported: old, as
// written at pos, is to read new. Callers attach one only where their
// rules leave exactly one candidate (see certainSpelling and the callers).
func (c *checker) fix(pos diag.Pos, old, new string) {
	c.diags[len(c.diags)-1].Fix = &diag.Fix{Pos: pos, Old: old, New: new}
}

// certainSpelling returns the one candidate word is a slip of, when that
// is beyond doubt: exactly one distinct candidate lies within two edits
// of it, and the edits are few for the word's length (at most one in four
// bytes, so a name under four bytes is never respelt and one under eight
// by one edit only: "uid" is one edit from "pid" and means something
// else, "comman_line" is one edit from "command_line" and from nothing
// else). A name as near two candidates is a guess, never a repair.
func certainSpelling(word string, candidates []string) (string, bool) {
	best, n := "", 0
	for _, cand := range candidates {
		if cand == best {
			continue
		}
		if d := suggest.Distance(word, cand); d <= 2 {
			if d > len(word)/4 {
				return "", false
			}
			best, n = cand, n+1
		}
	}
	if n != 1 {
		return "", false
	}
	return best, true
}

func (c *checker) program(prog *ast.Program) {
	if len(prog.Stmts) == 1 {
		if s, ok := prog.Stmts[0].(*ast.ExprStmt); ok {
			// A condition over raw log events ([event_code] == 4624): its
			// fields are the log's, which the data model does not list.
			c.info.Bare = true
			c.expr(s.X, nil)
			return
		}
	}
	for _, s := range prog.Stmts {
		c.stmt(s)
	}
	if !c.outputs && len(prog.Stmts) > 0 && !allBare(prog) {
		last := prog.Stmts[len(prog.Stmts)-1]
		if c.last != nil {
			c.warnf(last, CodeNoOutput, "add \"output "+c.last.Name+"\"", "no output statement: the last dataset, %s, is taken as the result", c.last.Name)
			c.info.Outputs = append(c.info.Outputs, c.last)
			c.markUsed(c.last.Name)
		} else {
			c.warnf(last, CodeNoOutput, "", "no output statement and no dataset: the program has no result")
		}
	}
	for _, sym := range c.all {
		if sym.Kind == KindDataset && !sym.used {
			c.warnf(sym.ident, CodeUnused, "output it or delete it", "dataset %s is defined but never used", sym.Name)
		}
	}
}

// allBare reports a program of conditions only (the parser reports it).
func allBare(prog *ast.Program) bool {
	for _, s := range prog.Stmts {
		if _, ok := s.(*ast.ExprStmt); !ok {
			return false
		}
	}
	return true
}

func (c *checker) define(name *ast.Ident, kind Kind, ds *Dataset) *Symbol {
	sym := &Symbol{Name: name.Name, Kind: kind, Pos: name.At, Dataset: ds, ident: name}
	// A redefinition that reads the old value ("x = filter x where …")
	// uses it; one that does not leaves the old one as it was.
	c.scope[name.Name] = sym
	c.all = append(c.all, sym)
	if ds != nil {
		ds.Name, ds.Pos = name.Name, name.At
		c.last = ds
	}
	return sym
}

func (c *checker) markUsed(name string) {
	if s := c.scope[name]; s != nil {
		s.used = true
	}
}

// lookup resolves a name used as a dataset.
func (c *checker) dataset(id *ast.Ident) *Dataset {
	sym := c.scope[id.Name]
	if sym == nil {
		c.undefined(id, id.Name, true)
		return &Dataset{Name: id.Name, Open: true}
	}
	sym.used = true
	if sym.Kind != KindDataset {
		c.errorf(id, CodeNotDataset, "", "%s is a %s, not a dataset", id.Name, sym.Kind)
		return &Dataset{Name: id.Name, Open: true}
	}
	c.info.Uses[id] = sym.Dataset
	return sym.Dataset
}

// undefined reports an undefined name, written as n, suggesting a
// defined one that is close. The repair is certain when the name is a
// slip of exactly one defined name (certainSpelling: "bcedit_commands"
// for bcdedit_commands) and, where a dataset is wanted, that name is one.
func (c *checker) undefined(n ast.Node, name string, wantDataset bool) {
	hint := ""
	names := slices.Sorted(maps.Keys(c.scope))
	near, ok := suggest.Closest(name, names, maxDist(name))
	if ok {
		hint = "did you mean " + near + "?"
	}
	c.errorf(n, CodeUndefined, hint, "%s is not defined", name)
	if sure, certain := certainSpelling(name, names); ok && certain && sure == near &&
		(!wantDataset || c.scope[sure].Kind == KindDataset) {
		c.fix(n.Pos(), name, sure)
	}
}

// undefinedOutput reports an output of an undefined name, suggesting, when
// no defined name is close, the only dataset nothing uses, or else the last
// dataset defined: CAR's outputs go stale when a line above is renamed.
func (c *checker) undefinedOutput(id *ast.Ident) {
	n := len(c.diags)
	c.undefined(id, id.Name, true)
	// The guesses below (the only name not used, the last one defined)
	// are never certain: they get no Fix.
	if c.diags[n].Suggestion != "" {
		return
	}
	var unused []string
	for name, s := range c.scope {
		if s.Kind != KindParam && !s.used {
			unused = append(unused, name)
		}
	}
	if len(unused) == 1 {
		c.diags[n].Suggestion = "did you mean " + unused[0] + ", the only name not used?"
	} else {
		last := c.all[len(c.all)-1].Name
		c.diags[n].Suggestion = "did you mean " + last + ", the last name defined?"
	}
}

// undefinedRef reports an undefined name read as a field reference. A
// bracketed one ("[name]") begins at its bracket, and the name's own
// column is not known, so its repair is left to the person.
func (c *checker) undefinedRef(f *ast.FieldRef, wantDataset bool) {
	c.undefined(f, strings.Join(f.Parts, "."), wantDataset)
	if f.Bracketed {
		c.diags[len(c.diags)-1].Fix = nil
	}
}

func maxDist(s string) int { return max(2, len(s)/4) }

func (c *checker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		c.assign(s)
	case *ast.FieldAssignStmt:
		sym := c.scope[s.Target.Parts[0]]
		if sym == nil || sym.Kind != KindDataset {
			// The name is the target's first part, x of x.field.
			c.undefined(&ast.Ident{At: s.Target.At, Name: s.Target.Parts[0]}, s.Target.Parts[0], true)
			return
		}
		sym.used = true
		if len(s.Target.Parts) != 2 {
			c.errorf(s.Target, CodeUnknownField, "", "a derived field is written dataset.field")
		}
		c.expr(s.Value, &scope{ds: sym.Dataset})
		name := s.Target.Parts[len(s.Target.Parts)-1]
		sym.Dataset.Derived = append(sym.Dataset.Derived, name)
		if sym.Dataset.assigned == nil {
			sym.Dataset.assigned = map[string]*ast.FieldAssignStmt{}
		}
		sym.Dataset.assigned[name] = s
	case *ast.OutputStmt:
		c.outputs = true
		for _, id := range s.Names {
			if sym := c.scope[id.Name]; sym == nil && len(c.all) > 0 {
				c.undefinedOutput(id)
				continue
			}
			c.info.Outputs = append(c.info.Outputs, c.dataset(id))
		}
	case *ast.InputStmt:
		c.define(s.Name, KindParam, nil)
		if c.info.Params == nil {
			c.info.Params = map[string]bool{}
		}
		c.info.Params[s.Name.Name] = true
	case *ast.ExprStmt:
		c.expr(s.X, nil)
	case *ast.BadStmt:
		for _, r := range s.Refs {
			c.markUsed(r)
		}
		if s.Keyword == "output" || s.Keyword == "return" {
			c.outputs = true
		}
		if s.Name != nil {
			c.define(s.Name, KindDataset, &Dataset{Open: true}).used = true
		}
	}
}

func (c *checker) assign(s *ast.AssignStmt) {
	if s.Query == nil {
		kind, ds := c.value(s.Value)
		c.info.Defs[s] = c.define(s.Name, kind, ds)
		if l, ok := s.Value.(*ast.ListLit); ok {
			c.info.Lists[s.Name.Name] = l
		}
		return
	}
	var ds *Dataset
	switch q := s.Query.(type) {
	case *ast.SearchQuery:
		ds = c.search(q)
	case *ast.FilterQuery:
		var src *Dataset
		if q.Source != nil {
			src = c.dataset(q.Source)
		} else if c.last != nil {
			src = c.last
			c.markUsed(src.Name)
		} else {
			c.errorf(q, CodeUndefined, "name it: filter x where …", "filter without a dataset, and none is defined before it")
			src = &Dataset{Open: true}
		}
		c.info.Sources[q] = src
		c.expr(q.Where, &scope{ds: src})
		ds = derive(src)
	case *ast.JoinQuery:
		l, r := c.dataset(q.Left), c.dataset(q.Right)
		c.expr(q.Where, &scope{join: map[string]*Dataset{q.Left.Name: l, q.Right.Name: r}})
		ds = &Dataset{Parts: map[string]*Dataset{q.Left.Name: l, q.Right.Name: r}}
	case *ast.GroupQuery:
		ds = &Dataset{Actions: map[string][]string{}}
		for _, id := range q.Sources {
			src := c.dataset(id)
			ds.Objects = append(ds.Objects, src.Objects...)
			ds.Open = ds.Open || src.Open
			ds.Derived = append(ds.Derived, src.Derived...)
		}
		for _, f := range q.By {
			c.field(f, &scope{ds: ds})
		}
		if q.Where != nil {
			c.expr(q.Where, &scope{ds: ds})
		}
	case *ast.SelectQuery:
		src := c.dataset(q.Source)
		ds = &Dataset{Closed: true, Open: src.Open}
		for _, it := range q.Items {
			c.expr(it.X, &scope{ds: src})
			switch {
			case it.As != nil:
				ds.Derived = append(ds.Derived, it.As.Name)
			default:
				if f, ok := it.X.(*ast.FieldRef); ok {
					ds.Derived = append(ds.Derived, f.Parts[len(f.Parts)-1])
				}
			}
		}
	case *ast.CountQuery:
		src := c.dataset(q.Source)
		ds = &Dataset{Closed: true, Open: src.Open, Derived: []string{"count"}}
		for _, f := range q.By {
			c.field(f, &scope{ds: src})
			ds.Derived = append(ds.Derived, f.Parts[len(f.Parts)-1])
		}
	case *ast.RunQuery:
		c.info.Runs = append(c.info.Runs, q)
		ds = &Dataset{Open: true}
	}
	c.info.Defs[s] = c.define(s.Name, KindDataset, ds)
}

// derive returns a filtered copy's dataset: the same events' fields.
func derive(src *Dataset) *Dataset {
	d := *src
	d.Derived = slices.Clone(src.Derived)
	d.assigned = maps.Clone(src.assigned)
	return &d
}

// value classifies "x = expr": a list constant, a set difference of two
// datasets, or a value (an aggregate, arithmetic).
func (c *checker) value(x ast.Expr) (Kind, *Dataset) {
	switch v := x.(type) {
	case *ast.ListLit:
		c.expr(v, nil)
		return KindList, nil
	case *ast.BinaryExpr:
		if v.Op == ast.OpSub {
			l, lok := c.datasetRef(v.X)
			r, rok := c.datasetRef(v.Y)
			if lok && rok {
				// a - b: the events of a that are not in b.
				c.info.Diffs[v] = [2]*Dataset{l, r}
				return KindDataset, derive(l)
			}
			if lok != rok {
				other := v.Y
				if !lok {
					other = v.X
				}
				if f, ok := other.(*ast.FieldRef); ok && len(f.Parts) == 1 && c.scope[f.Parts[0]] == nil {
					c.undefinedRef(f, true)
				} else {
					c.errorf(other, CodeTypeMismatch, "", "set difference needs a dataset on both sides")
				}
				return KindDataset, &Dataset{Open: true}
			}
		}
	}
	c.expr(x, &scope{values: true})
	return KindScalar, nil
}

// datasetRef reports whether x is the name of a dataset, marking it used.
func (c *checker) datasetRef(x ast.Expr) (*Dataset, bool) {
	f, ok := x.(*ast.FieldRef)
	if !ok || len(f.Parts) != 1 || f.Bracketed {
		return nil, false
	}
	sym := c.scope[f.Parts[0]]
	if sym == nil || sym.Kind != KindDataset {
		return nil, false
	}
	sym.used = true
	return sym.Dataset, true
}

func (c *checker) search(q *ast.SearchQuery) *Dataset {
	ds := &Dataset{Actions: map[string][]string{}}
	for i := range q.Sources {
		s := &q.Sources[i]
		obj, ok := datamodel.Lookup(s.Object)
		if !ok {
			hint := ""
			if near, ok := suggest.Closest(datamodel.Key(s.Object), lowerKeys(datamodel.Names()), 3); ok {
				hint = "did you mean " + nameForKey(near) + "?"
			}
			c.errorf(s, CodeUnknownObject, hint, "%s is not an object of the CAR data model", s.Object)
			ds.Open = true
			continue
		}
		if !slices.Contains(ds.Objects, obj) {
			ds.Objects = append(ds.Objects, obj)
		}
		action := s.Action
		if action != "*" {
			canon, ok := obj.Action(action)
			if !ok {
				c.errorf(s, CodeUnknownAction, actionHint(obj, action), "%s has no action %q (its actions: %s)", obj.Name, action, strings.Join(obj.Actions, ", "))
				continue
			}
			action = canon
		}
		ds.Actions[obj.Name] = append(ds.Actions[obj.Name], action)
	}
	if q.Where != nil {
		c.expr(q.Where, &scope{ds: ds})
	}
	return ds
}

func lowerKeys(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = datamodel.Key(n)
	}
	return out
}

func nameForKey(key string) string {
	o, _ := datamodel.Lookup(key)
	return o.Name
}

func actionHint(obj *datamodel.Object, action string) string {
	var parts []string
	for _, a := range obj.Actions {
		if strings.Contains(a, strings.ToLower(action)) {
			parts = append(parts, a)
		}
	}
	if len(parts) > 0 {
		return "did you mean " + strings.Join(parts, " or ") + "?"
	}
	if near, ok := suggest.Closest(strings.ToLower(action), obj.Actions, 3); ok {
		return "did you mean " + near + "?"
	}
	return ""
}

// scope is the context of an expression: the dataset whose events it
// tests, or the two sides of a join, or neither (a bare condition, a list).
type scope struct {
	ds     *Dataset
	join   map[string]*Dataset
	values bool // an assignment's value: names may be datasets or values
}

// functions are the aggregates and helpers the language has.
var functions = map[string]bool{
	"count": true, "min": true, "max": true, "avg": true, "average": true, "stddev": true,
	"standard_deviation": true, "unique": true, "values": true, "sum": true,
	"lower": true, "upper": true, "len": true, "length": true,
}

// expr checks an expression and everything in it, all read in the same
// scope: each node is checked where ast.Inspect meets it.
func (c *checker) expr(x ast.Expr, sc *scope) {
	ast.Inspect(x, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FieldRef:
			c.fieldOrName(x, sc)
		case *ast.ListLit:
			if x.Ellipsis {
				c.warnf(x, CodeEllipsis, "list every value", "list ends in \"...\": only the values written are used")
			}
		case *ast.BinaryExpr:
			if x.Op.IsComparison() {
				c.compare(x.X, x.Op, x.Y, sc, true)
			}
		case *ast.ChainExpr:
			for i, op := range x.Ops {
				c.compare(x.Operands[i], op, x.Operands[i+1], sc, true)
			}
		case *ast.MatchExpr:
			if s, ok := x.Pattern.(*ast.StringLit); ok {
				if _, err := regexp.Compile(s.Value); err != nil {
					c.errorf(s, CodeBadRegexp, "", "regular expression %s does not compile (RE2): %v", ast.QuoteString(s.Value), regexpReason(err))
				}
			}
		case *ast.InExpr:
			if l, ok := x.List.(*ast.ListLit); ok {
				// One field is compared with every value: it can be
				// repaired only if every value calls for the same repair.
				all := !l.Ellipsis && len(l.Elems) > 0 && !slices.ContainsFunc(l.Elems, func(e ast.Expr) bool {
					s, ok := e.(*ast.StringLit)
					return !ok || !fullPath(s.Value)
				})
				for _, e := range l.Elems {
					c.compare(x.X, ast.OpEq, e, sc, all)
				}
			}
		case *ast.CallExpr:
			if !functions[strings.ToLower(x.Fun.Name)] {
				hint := ""
				if near, ok := suggest.Closest(strings.ToLower(x.Fun.Name), slices.Sorted(maps.Keys(functions)), 2); ok {
					hint = "did you mean " + near + "?"
				}
				c.errorf(x.Fun, CodeUnknownFunction, hint, "unknown function %s", x.Fun.Name)
			}
		}
		return true
	})
}

func regexpReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "error parsing regexp") {
		return msg[i+2:]
	}
	return msg
}

// fieldOrName checks a name read in an expression: a variable (a list,
// parameter or value), a field of the scope's events, or in a join a
// field of one side, written side.field.
func (c *checker) fieldOrName(f *ast.FieldRef, sc *scope) {
	first := f.Parts[0]
	if sym := c.scope[first]; sym != nil && !f.Bracketed {
		if sym.Kind != KindDataset && len(f.Parts) == 1 {
			sym.used = true
			return
		}
		if sym.Kind == KindDataset && len(f.Parts) > 1 {
			sym.used = true
			if sc != nil && sc.join != nil && sc.join[first] == nil {
				c.errorf(f, CodeJoinSide, "", "%s is not one of the joined datasets (%s)", first, joinNames(sc.join))
				return
			}
			c.fieldOn(f, f.Parts[1:], sym.Dataset)
			return
		}
		if sym.Kind == KindDataset && sc != nil && sc.values {
			return
		}
	}
	if sc == nil {
		return
	}
	if sc.join != nil {
		if len(f.Parts) > 1 {
			if d := sc.join[first]; d != nil {
				c.fieldOn(f, f.Parts[1:], d)
				return
			}
		}
		c.errorf(f, CodeJoinSide, "write "+joinNames(sc.join)+" before the field, as in a.field", "field %s does not say which joined dataset it is from", strings.Join(f.Parts, "."))
		return
	}
	if sc.ds == nil {
		if sc.values {
			c.undefinedRef(f, false)
		}
		return
	}
	c.field(f, sc)
}

func joinNames(m map[string]*Dataset) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), " or ")
}

// field checks a field of the scope's dataset.
func (c *checker) field(f *ast.FieldRef, sc *scope) {
	c.fieldOn(f, f.Parts, sc.ds)
}

// fieldOn checks parts (field, or dataset.field of a join result, or a
// field and its sub-fields) against d.
func (c *checker) fieldOn(f *ast.FieldRef, parts []string, d *Dataset) {
	if d == nil || d.Open {
		return
	}
	if len(parts) > 1 && d.Parts != nil {
		if side := d.Parts[parts[0]]; side != nil {
			c.fieldOn(f, parts[1:], side)
			return
		}
	}
	name := parts[0]
	if a := d.assigned[name]; a != nil && len(parts) == 1 {
		c.info.Assigned[f] = a
	}
	if d.HasField(name) {
		// Sub-fields (proto_info.pipe) are not in the data model.
		return
	}
	fields := d.fieldNames()
	hint := ""
	near, sure := nearestField(name, fields)
	if near != "" {
		hint = "did you mean " + near + "?"
	}
	what := "these events"
	if len(d.Objects) > 0 {
		names := make([]string, len(d.Objects))
		for i, o := range d.Objects {
			names[i] = o.Name
		}
		what = strings.Join(names, " and ") + " events"
	}
	if d.Closed {
		what = "a selection of " + strings.Join(d.Derived, ", ")
	}
	if d.Name != "" {
		what = d.Name + " (" + what + ")"
	}
	if hint == "" && len(parts) > 1 {
		hint = "if it is a value, quote it: " + ast.QuoteString(strings.Join(parts, "."))
	}
	c.errorf(f, CodeUnknownField, hint, "%s has no field %s", what, name)
	if sure && !f.Bracketed {
		// The name is the last len(parts) parts of the reference: it
		// begins after the parts before it and their dots.
		pos := f.At
		for _, p := range f.Parts[:len(f.Parts)-len(parts)] {
			pos.Col += len(p) + 1
		}
		c.fix(pos, name, near)
	}
}

// nearestField suggests fields for a name the events lack: the same name
// in another case (CAR writes Key for key), a field the name begins
// (parent_image for parent_image_path) or ends (src_image_path), fields
// that have the name as one of their words (port: dest_port, src_port),
// then the nearest by edit distance. It returns "" when nothing is near.
//
// sure says the suggestion is a certain repair, one field and no doubt:
//   - the one field that differs from the name in case only ("Key": key);
//   - "timestamp" for time, the one field the data model has for when an
//     event happened;
//   - the one field that extends the name by whole words (parent_image:
//     parent_image_path; the name says what it is and drops the last
//     word). A field the name ends with is no repair: the name's first
//     words (src_, parent_) qualify it, and dropping them changes whose
//     value is read. A field that merely has the name as a word (port:
//     dest_port) is a guess of the qualifier;
//   - a slip of one field's spelling (certainSpelling: comman_line).
//
// Two candidates ("application_protocol or transport_protocol") are never
// sure.
func nearestField(name string, fields []string) (near string, sure bool) {
	lower := strings.ToLower(name)
	var cased []string
	for _, f := range fields {
		if strings.ToLower(f) == lower && !slices.Contains(cased, f) {
			cased = append(cased, f)
		}
	}
	if len(cased) > 0 {
		slices.Sort(cased)
		return strings.Join(cased, " or "), len(cased) == 1
	}
	if lower == "timestamp" && slices.Contains(fields, "time") {
		return "time", true
	}
	var prefixed, words []string
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f, lower+"_") || strings.HasSuffix(lower, "_"+f):
			prefixed = append(prefixed, f)
		case slices.Contains(strings.Split(f, "_"), lower):
			words = append(words, f)
		}
	}
	for i, group := range [][]string{prefixed, words} {
		slices.Sort(group)
		group = slices.Compact(group)
		if len(group) > 0 && len(group) <= 3 {
			return strings.Join(group, " or "), i == 0 && len(group) == 1 && strings.HasPrefix(group[0], lower+"_")
		}
	}
	near, ok := suggest.Closest(name, fields, maxDist(name))
	if !ok {
		return "", false
	}
	one, certain := certainSpelling(name, fields)
	return near, certain && one == near
}

// baseNameFields hold a file's base name, never a path.
var baseNameFields = map[string]string{"exe": "image_path", "parent_exe": "parent_image_path"}

// compare checks that the two sides of a comparison can be compared. sc
// is the scope the comparison is read in; fixable is false when the field
// is compared with other values too (x in [...]) that a repair of this
// comparison would break.
func (c *checker) compare(x ast.Expr, op ast.Op, y ast.Expr, sc *scope, fixable bool) {
	for _, pair := range [][2]ast.Expr{{x, y}, {y, x}} {
		a, b := pair[0], pair[1]
		if d := durationIn(a); d != nil {
			if s, ok := b.(*ast.StringLit); ok {
				c.errorf(s, CodeTypeMismatch, "", "a time span (%s) compared with the string %s", d.Text, ast.QuoteString(s.Value))
			}
		}
		switch lit := b.(type) {
		case *ast.CIDRLit:
			if f, ok := a.(*ast.FieldRef); ok && !addressField(f) {
				c.errorf(lit, CodeCIDRField, "", "address block %s compared with %s, which is not an address field", lit.Text, strings.Join(f.Parts, "."))
			}
			if _, ok := a.(*ast.StringLit); ok {
				c.errorf(lit, CodeCIDRField, "", "address block %s compared with a string", lit.Text)
			}
		case *ast.StringLit:
			f, ok := a.(*ast.FieldRef)
			if !ok || (op != ast.OpEq && op != ast.OpNe) {
				continue
			}
			field := f.Parts[len(f.Parts)-1]
			if path, ok := baseNameFields[field]; ok && strings.ContainsAny(strings.TrimLeft(lit.Value, "*"), `\/`) {
				c.warnf(lit, CodeBaseName, "compare "+path+" with the path, or "+field+" with the file name",
					"%s is a file's base name, so it never equals %s, which holds a path", field, ast.QuoteString(lit.Value))
				// Comparing the path field is the certain repair when
				// the value is a full path (C:\Windows\System32\net.exe
				// can only be meant as the image's path; "bin\x.exe"
				// might be meant as a name), the field is the events'
				// own (not a.exe of a join) and the events carry the
				// path field.
				if fixable && fullPath(lit.Value) && len(f.Parts) == 1 && !f.Bracketed &&
					sc != nil && sc.ds != nil && !sc.ds.Open && sc.ds.HasField(path) {
					c.fix(f.At, field, path)
				}
			}
		}
	}
}

// fullPath reports whether a value is a whole path from a root: a drive
// (C:\ or C:/), a network share (\\host) or /.
func fullPath(v string) bool {
	if len(v) >= 3 && (v[0]|0x20 >= 'a' && v[0]|0x20 <= 'z') && v[1] == ':' && (v[2] == '\\' || v[2] == '/') {
		return true
	}
	return strings.HasPrefix(v, `\\`) || strings.HasPrefix(v, "/")
}

// durationIn finds a duration inside arithmetic ("now - 1 day").
func durationIn(x ast.Expr) *ast.DurationLit {
	switch x := x.(type) {
	case *ast.DurationLit:
		return x
	case *ast.BinaryExpr:
		if x.Op == ast.OpAdd || x.Op == ast.OpSub {
			if d := durationIn(x.X); d != nil {
				return d
			}
			return durationIn(x.Y)
		}
	case *ast.ParenExpr:
		return durationIn(x.X)
	}
	return nil
}

// addressField reports whether a field holds an IP address, by CAR's
// naming (src_ip, dest_ip, requester_ip_address).
func addressField(f *ast.FieldRef) bool {
	name := strings.ToLower(f.Parts[len(f.Parts)-1])
	return strings.HasSuffix(name, "_ip") || name == "ip" || strings.Contains(name, "ip_address") || strings.HasSuffix(name, "_address")
}
