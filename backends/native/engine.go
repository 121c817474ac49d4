// Package native runs analytics over event logs itself: the executable
// reference of the pseudocode's meaning, which the query backends keep.
// Events are read by the events package and mapped to the CAR data model
// by a schema (a profile, the data the query backends use too); a filter
// keeps no state, a join keeps the events its time bound needs, a group
// keeps one row per key until the input ends.
package native

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Match is one result: an event a filter kept, a pair a join made, or a
// row of a group.
type Match struct {
	// Analytic and Output name the result's analytic and output; the
	// events of a join's pair, inside it, leave them out.
	Analytic string            `json:"analytic,omitempty"`
	Output   string            `json:"output,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	Event    json.RawMessage   `json:"event,omitempty"`
	// Pair holds a join's two events, by the datasets' names.
	Pair map[string]*Match `json:"pair,omitempty"`
	// Row holds a group's columns.
	Row  map[string]any `json:"row,omitempty"`
	File string         `json:"file,omitempty"`
	Line int            `json:"line,omitempty"`
}

// Program is an analytic's lowered outputs, to run.
type Program struct {
	ID      string
	Queries []ir.Query
}

// Options tune a run.
type Options struct {
	// Schema forces one schema; nil detects it per event.
	Schema *Schema
	// MaxState bounds the events and rows joins and groups keep; 0 is
	// DefaultMaxState.
	MaxState int
	// NoPrefilter reads every NDJSON line, not only those that hold a
	// literal the analytics require (for measuring the prefilter).
	NoPrefilter bool
}

// DefaultMaxState is the state a run keeps at most.
const DefaultMaxState = 1_000_000

// Engine runs programs over events fed to it in time order.
type Engine struct {
	opt     Options
	outputs []*output
	pre     *prefilter
	index   map[*Schema]*schemaIndex
	emit    func(Match)
	state   int
	// Unrecognised counts events no schema maps.
	Unrecognised int
	// problems counts, by output and schema, the events an output could
	// not run on (a field the schema does not map, say).
	problems map[problemKey]int
	// broken counts the events that lack a field their schema lists as
	// always present (see BrokenPromises).
	broken map[Promise]int
}

// New compiles programs; each match goes to emit, in input order for
// filters and joins, at Close for groups.
func New(progs []Program, opt Options, emit func(Match)) (*Engine, error) {
	if opt.MaxState <= 0 {
		opt.MaxState = DefaultMaxState
	}
	e := &Engine{opt: opt, emit: emit}
	// Every embedded schema is compiled, also when one is forced: a run
	// says under which others the events of an input no output searches
	// would be searched (Counts.Fitting).
	schemas := Schemas()
	if opt.Schema != nil && !slices.Contains(schemas, opt.Schema) {
		schemas = append(slices.Clone(schemas), opt.Schema)
	}
	for _, p := range progs {
		for _, q := range p.Queries {
			o := &output{analytic: p.ID, name: q.Name, query: q, plans: map[*Schema]*plan{}, planErr: map[*Schema]string{}}
			if q.Join != nil {
				if !q.Join.Ordered && q.Join.Within > 0 {
					return nil, &backends.Unsupported{Construct: "a time bound without an order", Backend: "native", Pos: q.Pos,
						Reason: "the lowered join keeps the bound's length, not which side it bounds"}
				}
				o.join = &joinState{left: map[string][]*held{}, right: map[string][]*held{}}
			}
			if q.Aggregate != nil {
				o.groups = map[string]*group{}
			}
			// Compiled now for every schema, so that classifying events
			// only reads; a schema the output cannot map is said once
			// per event of it the run meets.
			for _, s := range schemas {
				pl, err := o.compile(s)
				if err != nil {
					o.planErr[s] = fmt.Sprintf("%s output %s cannot run on events of schema %s: %v", p.ID, q.Name, s.Name, err)
					continue
				}
				o.plans[s] = pl
			}
			e.outputs = append(e.outputs, o)
		}
	}
	e.buildIndex(schemas)
	if !opt.NoPrefilter {
		e.pre = newPrefilter(e.outputs)
	}
	return e, nil
}

// output is one result set of a program, with its state.
type output struct {
	analytic, name string
	query          ir.Query
	plans          map[*Schema]*plan
	planErr        map[*Schema]string
	join           *joinState
	groups         map[string]*group
	order          []string // group keys in first-seen order
}

// Event runs every program on one event (without the prefilter, which
// works on raw lines).
func (e *Engine) Event(ev events.Event) error {
	return e.applyOne(e.classify(ev))
}

// event is an event being run: its schema, the objects and actions it
// is, and its time (zero when unknown).
type event struct {
	events.Event
	schema  *Schema
	actions []string
	time    time.Time
	// lowered caches fields' lower-case values: many tests read the same
	// field (Image), and lower-casing allocates.
	lowered []lowered
}

type lowered struct{ name, value string }

// lower returns a field's value (v) in lower case, once per event.
func (x *event) lower(name, v string) string {
	for _, l := range x.lowered {
		if l.name == name {
			return l.value
		}
	}
	lv := lowerASCII(v)
	x.lowered = append(x.lowered, lowered{name, lv})
	return lv
}

// classified is what an event is to every output, worked out without
// touching the engine's state, so that events classify in parallel.
type classified struct {
	x            *event
	unrecognised bool
	// fit says the event is of a kind some output searches under its
	// schema (or an output's bare condition reads every event).
	fit  bool
	hits []hit
}

// Promise is a field a schema lists as present in every event of a kind
// (profile.Event.Present): a query backend leaves out the guard that keeps
// a negation true on an event without it, so an event that lacks it may
// be missed by a query translated with that schema's promises.
type Promise struct {
	Schema string // the schema's name
	Event  string // object/action
	Field  string // the CAR field
	Name   string // the schema's field it maps to
}

// BrokenPromise is a count of the events that lacked a promised field.
type BrokenPromise struct {
	Promise
	Events int
}

// hit is an event's part in one output: a filter's match, or the sides
// of a join or the group source it belongs to.
type hit struct {
	out        *output
	match      *Match
	def        *profile.Event // a group's source
	lDef, rDef *profile.Event // a join's sides
	problem    *Schema        // outputs cannot run on this event's schema
	broken     []Promise      // promises the event breaks
}

// classify maps an event to its schema and tests it against the outputs
// that search its object and action (the schema's index says which). It
// reads only what New compiled.
func (e *Engine) classify(ev events.Event) *classified {
	s := e.opt.Schema
	var actions []string
	if s == nil {
		s, actions = detect(ev.Fields)
	} else {
		actions = s.actions(ev.Fields)
	}
	if s == nil {
		return &classified{unrecognised: true}
	}
	s.normalise(ev.Fields)
	x := &event{Event: ev, schema: s, actions: actions, time: eventTime(s, ev.Fields)}
	c := &classified{x: x}
	idx := e.index[s]
	entries := idx.always
	for _, a := range x.actions {
		if more := idx.byAction[a]; len(more) > 0 {
			if len(entries) == 0 {
				entries = more
			} else {
				entries = append(slices.Clone(entries), more...)
				slices.SortStableFunc(entries, func(a, b entry) int { return a.out - b.out })
			}
		}
	}
	c.fit = len(entries) > 0
	for i := 0; i < len(entries); {
		out := entries[i].out
		var defs [3]*profile.Event
		for ; i < len(entries) && entries[i].out == out; i++ {
			en := entries[i]
			if defs[en.side] == nil && en.b.test(x) {
				defs[en.side] = en.b.def
			}
		}
		o := e.outputs[out]
		switch {
		case o.join != nil:
			if defs[sideLeft] != nil || defs[sideRight] != nil {
				c.hits = append(c.hits, hit{out: o, lDef: defs[sideLeft], rDef: defs[sideRight]})
			}
		case defs[sideMain] == nil:
		case o.groups != nil:
			c.hits = append(c.hits, hit{out: o, def: defs[sideMain]})
		default:
			c.hits = append(c.hits, hit{out: o, match: &Match{Analytic: o.analytic, Output: o.name, Fields: carFields(defs[sideMain], x),
				Event: slices.Clone(x.Raw), File: x.File, Line: x.Line}})
		}
	}
	if len(x.actions) > 0 && len(idx.unplanned) > 0 {
		c.hits = append(c.hits, hit{problem: s})
	}
	if broken := brokenPromises(s, x); broken != nil {
		c.hits = append(c.hits, hit{broken: broken})
	}
	return c
}

// fitting lists the schemas other than the event's own under which it
// would be of a kind some output searches: those whose layout it has,
// with a selector that finds it and an output that searches what it finds.
func (e *Engine) fitting(x *event) []*Schema {
	var out []*Schema
	for s, idx := range e.index {
		if s == x.schema || !s.detects(x.Fields) {
			continue
		}
		fits := len(idx.always) > 0
		for _, a := range s.actions(x.Fields) {
			fits = fits || len(idx.byAction[a]) > 0
		}
		if fits {
			out = append(out, s)
		}
	}
	return out
}

// brokenPromises lists the fields the schema promises for the event's
// kinds that the event lacks.
func brokenPromises(s *Schema, x *event) []Promise {
	var out []Promise
	for _, a := range x.actions {
		def := s.Events[a]
		for _, f := range def.Present {
			m := def.Fields[f] // Validate checks that a promised field is mapped
			if _, ok := x.Fields[m.Field]; !ok {
				out = append(out, Promise{Schema: s.Name, Event: a, Field: f, Name: m.Field})
			}
		}
	}
	return out
}

type problemKey struct {
	o *output
	s *Schema
}

// Problems says, for each output that could not run on the events of a
// schema the run met, why.
func (e *Engine) Problems() []string {
	var out []string
	for k := range e.problems {
		out = append(out, k.o.planErr[k.s])
	}
	slices.Sort(out)
	return out
}

// BrokenPromises counts, by schema, kind of event and field, the events
// that lacked a field their schema lists as always present, so that a
// user sees where a translated query's assumption fails on their data.
// Only the events the run classified are counted: a line the prefilter
// skips holds nothing any analytic needs and is not read.
func (e *Engine) BrokenPromises() []BrokenPromise {
	var out []BrokenPromise
	for p, n := range e.broken {
		out = append(out, BrokenPromise{Promise: p, Events: n})
	}
	slices.SortFunc(out, func(a, b BrokenPromise) int {
		return strings.Compare(a.Schema+"\x00"+a.Event+"\x00"+a.Field, b.Schema+"\x00"+b.Event+"\x00"+b.Field)
	})
	return out
}

// The sides an index entry tests.
const (
	sideMain = iota
	sideLeft
	sideRight
)

// schemaIndex lists, for each object and action of a schema, the
// branches of the outputs that search it, in output order.
type schemaIndex struct {
	byAction  map[string][]entry
	always    []entry   // bare conditions, over every event
	unplanned []*output // outputs that cannot run on the schema
}

type entry struct {
	out  int
	side int
	b    *branch
}

func (e *Engine) buildIndex(schemas []*Schema) {
	e.index = map[*Schema]*schemaIndex{}
	for _, s := range schemas {
		idx := &schemaIndex{byAction: map[string][]entry{}}
		for i, o := range e.outputs {
			p, ok := o.plans[s]
			if !ok {
				idx.unplanned = append(idx.unplanned, o)
				continue
			}
			add := func(side int, bs branches) {
				for j := range bs {
					en := entry{out: i, side: side, b: &bs[j]}
					if bs[j].key == "" {
						idx.always = append(idx.always, en)
					} else {
						idx.byAction[bs[j].key] = append(idx.byAction[bs[j].key], en)
					}
				}
			}
			if o.join != nil {
				add(sideLeft, p.left)
				add(sideRight, p.right)
			} else {
				add(sideMain, p.main)
			}
		}
		e.index[s] = idx
	}
}

// applyOne feeds a classified event to the outputs' state, in input
// order.
func (e *Engine) applyOne(c *classified) error {
	if c.unrecognised {
		e.Unrecognised++
		return nil
	}
	for _, h := range c.hits {
		switch {
		case h.broken != nil:
			if e.broken == nil {
				e.broken = map[Promise]int{}
			}
			for _, p := range h.broken {
				e.broken[p]++
			}
		case h.problem != nil:
			if e.problems == nil {
				e.problems = map[problemKey]int{}
			}
			for _, o := range e.index[h.problem].unplanned {
				e.problems[problemKey{o, h.problem}]++
			}
		case h.match != nil:
			e.emit(*h.match)
		case h.out.join != nil:
			if err := e.joinEvent(h.out, h.out.plans[c.x.schema], c.x, h.lDef, h.rDef); err != nil {
				return err
			}
		default:
			if err := e.groupEvent(h.out, h.out.plans[c.x.schema], c.x, h.def); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close ends the input: groups emit their rows.
func (e *Engine) Close() {
	for _, o := range e.outputs {
		if o.groups == nil {
			continue
		}
		for _, k := range o.order {
			g := o.groups[k]
			if row, ok := g.row(o.query.Aggregate); ok {
				e.emit(Match{Analytic: o.analytic, Output: o.name, Row: row})
			}
		}
	}
}

// plan is an output compiled for one schema.
type plan struct {
	main        branches // a filter's, or a group's source
	left, right branches
	leftKeys    []profile.FieldMap
	rightKeys   []profile.FieldMap
	by          []profile.FieldMap
	items       []itemPlan
}

type itemPlan struct {
	ir.AggItem
	field profile.FieldMap
}

// branches are the kinds of event a query searches, each with its test.
type branches []branch

type branch struct {
	key  string // object/action; "" for a bare condition over every event
	def  *profile.Event
	test test
}

// matches returns the schema's definition of the event's kind when the
// event is one the query searches and meets its test, else nil; for a
// bare condition, a definition with no fields.
func (bs branches) matches(x *event) *profile.Event {
	for _, b := range bs {
		if b.key == "" {
			if b.test(x) {
				return b.def
			}
			continue
		}
		if slices.Contains(x.actions, b.key) && b.test(x) {
			return b.def
		}
	}
	return nil
}

func (o *output) compile(s *Schema) (*plan, error) {
	p := &plan{}
	var err error
	q := o.query
	switch {
	case q.Join != nil:
		if p.left, err = compileQuery(*q.Join.Left, s); err != nil {
			return nil, err
		}
		if p.right, err = compileQuery(*q.Join.Right, s); err != nil {
			return nil, err
		}
		for _, k := range q.Join.Keys {
			lm, err := keyField(p.left, s, k.Left)
			if err != nil {
				return nil, err
			}
			rm, err := keyField(p.right, s, k.Right)
			if err != nil {
				return nil, err
			}
			p.leftKeys, p.rightKeys = append(p.leftKeys, lm), append(p.rightKeys, rm)
		}
	case q.Aggregate != nil:
		if p.main, err = compileQuery(*q.Aggregate.Source, s); err != nil {
			return nil, err
		}
		for _, f := range q.Aggregate.By {
			m, err := keyField(p.main, s, f)
			if err != nil {
				return nil, err
			}
			p.by = append(p.by, m)
		}
		for _, it := range q.Aggregate.Items {
			ip := itemPlan{AggItem: it}
			if it.Field != nil {
				if ip.field, err = keyField(p.main, s, *it.Field); err != nil {
					return nil, err
				}
			}
			p.items = append(p.items, ip)
		}
	default:
		if p.main, err = compileQuery(q, s); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// compileQuery maps a query onto the schema's events, as the query
// backends map it onto a profile's, and compiles each kind's test.
func compileQuery(q ir.Query, s *Schema) (branches, error) {
	if len(q.Sources) == 0 {
		// A bare condition reads the log's own fields: by the names the
		// schema's log map gives, else as written.
		c := ir.MapLeaves(q.Cond, func(c ir.Cond) ir.Cond { return renameLeaf(c, s.Log, s.LogFields) })
		t, err := compile(c)
		if err != nil {
			return nil, err
		}
		return branches{{def: &profile.Event{}, test: t}}, nil
	}
	evs, err := backends.MapKeywords(q, &s.Profile)
	if err != nil {
		return nil, err
	}
	var out branches
	for _, ev := range evs {
		t, err := compile(ev.Cond)
		if err != nil {
			return nil, err
		}
		out = append(out, branch{key: ev.Source.String(), def: ev.Event, test: t})
	}
	return out, nil
}

// keyField is how the schema writes a field a join or group reads; the
// event's time is the zero FieldMap.
func keyField(bs branches, s *Schema, f ir.Field) (profile.FieldMap, error) {
	if f.Name == "time" {
		return profile.FieldMap{}, nil
	}
	var m profile.FieldMap
	for i, b := range bs {
		em, ok := b.def.Fields[f.Name]
		if !ok {
			return m, &backends.Unmapped{What: "field " + f.Name + " of " + b.key, Profile: s.Name, Pos: f.Pos}
		}
		if i > 0 && em != m {
			return m, &backends.Unsupported{Construct: "a key over events that name it differently", Backend: "native", Pos: f.Pos}
		}
		m = em
	}
	return m, nil
}

// renameLeaf names a bare condition's field as the schema's log map
// does, or else under the schema's place for a log event's own fields.
func renameLeaf(c ir.Cond, log map[string]profile.FieldMap, own string) ir.Cond {
	f, ok := ir.LeafField(c)
	if !ok {
		return c
	}
	if m, ok := log[f.Name]; ok && m.Transform == profile.Same {
		f.Name = m.Field
		return ir.WithField(c, f)
	}
	if own != "" && !backends.Present(f) {
		f.Name = own + f.Name
		return ir.WithField(c, f)
	}
	return c
}

// value is a CAR field's value in an event: the schema's field through
// its transform; false when absent.
func value(m profile.FieldMap, x *event) (string, bool) {
	if m.Field == "" {
		if x.time.IsZero() {
			return "", false
		}
		return x.time.UTC().Format(time.RFC3339Nano), true
	}
	v, ok := x.Fields[m.Field]
	if !ok {
		return "", false
	}
	return transform(m.Transform, v), true
}

// transform reads a CAR value from the schema's value.
func transform(t profile.Transform, v string) string {
	sep := strings.LastIndexAny(v, `\/`)
	switch t {
	case profile.BaseName:
		return v[sep+1:]
	case profile.DirName:
		if sep < 0 {
			return ""
		}
		return v[:sep]
	case profile.Extension:
		base := v[sep+1:]
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			return base[i:]
		}
		return ""
	case profile.HostName:
		if _, err := parseAddr(v); err == nil {
			return v
		}
		host, _, _ := strings.Cut(v, ".")
		return host
	}
	return v
}

// carFields are an event's values under CAR's names.
func carFields(def *profile.Event, x *event) map[string]string {
	out := map[string]string{}
	for name, m := range def.Fields {
		if v, ok := value(m, x); ok {
			out[name] = v
		}
	}
	if !x.time.IsZero() {
		out["time"] = x.time.UTC().Format(time.RFC3339Nano)
	}
	return out
}

// key is the values of key fields, compared as == compares text:
// ignoring case.
func key(ms []profile.FieldMap, x *event) (string, bool) {
	var b strings.Builder
	for i, m := range ms {
		v, ok := value(m, x)
		if !ok {
			return "", false // an event lacking a key joins and groups nothing
		}
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(strings.ToLower(v))
	}
	return b.String(), true
}

func (e *Engine) grow(o *output) error {
	e.state++
	if e.state > e.opt.MaxState {
		return fmt.Errorf("%s output %s: the run keeps more than %d events or rows for joins and groups (--max-state): narrow the analytic's time bound or raise the limit", o.analytic, o.name, e.opt.MaxState)
	}
	return nil
}
