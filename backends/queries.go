package backends

import (
	"strings"

	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Queries drives every query of a backend: a search, a pairing of two
// searches (Join) and groups of one (Aggregate), each through the
// backend's hooks. A nil Join or Aggregate refuses the construct.
type Queries struct {
	Search    func(q ir.Query, p *profile.Profile) (Result, []EventCond, error)
	Join      *Join
	Aggregate *Aggregate
}

// Convert translates each query of a program: a Backend's Convert.
func (d *Queries) Convert(qs []ir.Query, p *profile.Profile) ([]Result, error) {
	return ConvertEach(qs, func(q ir.Query) (Result, error) { return d.Query(q, p) })
}

// Query translates one query.
func (d *Queries) Query(q ir.Query, p *profile.Profile) (Result, error) {
	switch {
	case q.Join != nil && d.Join == nil:
		return Result{}, &Unsupported{Construct: "join", Backend: p.Backend, Pos: q.Pos, Reason: "pairing events is not emitted for this backend yet"}
	case q.Join != nil:
		return d.join(q, p)
	case q.Aggregate != nil && d.Aggregate == nil:
		return Result{}, &Unsupported{Construct: "aggregation", Backend: p.Backend, Pos: q.Pos, Reason: "grouping events is not emitted for this backend yet"}
	case q.Aggregate != nil:
		return d.aggregate(q, p)
	}
	r, _, err := d.Search(q, p)
	return r, err
}

// Join is how a language pairs the events of two searches on keys.
type Join struct {
	// Check refuses a pairing the language cannot say before its sides
	// are written (a time bound, an order, the number of keys); nil: none.
	Check func(q ir.Query, p *profile.Profile) error
	// Side writes one side's search; nil: the backend's Search.
	Side func(q ir.Query, p *profile.Profile) (Result, []EventCond, error)
	// Guard makes each side require its keys present: an event lacking a
	// key pairs with none, where a language would pair absent values.
	Guard bool
	// Key writes one side's key field.
	Key func(ev EventCond, p *profile.Profile, f ir.Field) (string, error)
	// Write writes the query from the two sides.
	Write func(q ir.Query, p *profile.Profile, sides [2]JoinSide, r *Result) error
}

// JoinSide is one side of a pairing: its search, its one kind of event
// and its keys as Key writes them.
type JoinSide struct {
	Query string
	Event EventCond
	Keys  []string
}

func (d *Queries) join(q ir.Query, p *profile.Profile) (Result, error) {
	j, h := q.Join, d.Join
	r := Result{Fidelity: Exact}
	if h.Check != nil {
		if err := h.Check(q, p); err != nil {
			return r, err
		}
	}
	side := h.Side
	if side == nil {
		side = d.Search
	}
	var sides [2]JoinSide
	for i, sq := range []*ir.Query{j.Left, j.Right} {
		key := func(k ir.Key) ir.Field {
			if i == 0 {
				return k.Left
			}
			return k.Right
		}
		s := *sq
		for _, k := range j.Keys {
			if h.Guard {
				s.Cond = ir.AndOf(ir.Exists{Field: key(k)}, s.Cond)
			}
		}
		sr, events, err := side(s, p)
		if err != nil {
			return r, err
		}
		r.Merge(sr)
		if len(events) != 1 {
			return r, &Unsupported{Construct: "a join side over several kinds of event", Backend: p.Backend, Pos: sq.Pos}
		}
		sides[i] = JoinSide{Query: sr.Query, Event: events[0]}
		for _, k := range j.Keys {
			name, err := h.Key(events[0], p, key(k))
			if err != nil {
				return r, err
			}
			sides[i].Keys = append(sides[i].Keys, name)
		}
	}
	return r, h.Write(q, p, sides, &r)
}

// Aggregate is how a language writes groups of a search's events.
type Aggregate struct {
	// Check refuses an aggregate the language cannot say before its
	// source is written; nil: none.
	Check func(q ir.Query, p *profile.Profile) error
	// Rewrite may rewrite the aggregate first (count(f) as a count of
	// the events with f); nil: as it is.
	Rewrite func(agg *ir.Aggregate) *ir.Aggregate
	// Source writes the source's search; nil: the backend's Search.
	Source func(q ir.Query, p *profile.Profile) (Result, []EventCond, error)
	// Guard makes the source require its group keys present: an event
	// lacking a key joins no group.
	Guard bool
	// Write writes the query from the source's search and its events.
	Write func(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []EventCond, r *Result) error
}

func (d *Queries) aggregate(q ir.Query, p *profile.Profile) (Result, error) {
	h, agg := d.Aggregate, q.Aggregate
	if h.Check != nil {
		if err := h.Check(q, p); err != nil {
			return Result{}, err
		}
	}
	if h.Rewrite != nil {
		agg = h.Rewrite(agg)
	}
	src := *agg.Source
	for _, f := range agg.By {
		if h.Guard {
			src.Cond = ir.AndOf(ir.Exists{Field: f}, src.Cond)
		}
	}
	search := h.Source
	if search == nil {
		search = d.Search
	}
	r, events, err := search(src, p)
	if err != nil {
		return r, err
	}
	return r, h.Write(q, agg, p, events, &r)
}

// CountOf rewrites an aggregate whose one column is count(f), which
// counts the events that have f, as a count of the source's events
// with f: for a language whose count counts events.
func CountOf(agg *ir.Aggregate) *ir.Aggregate {
	src := *agg.Source
	for _, it := range agg.Items {
		if it.Func == "count" && it.Field != nil {
			src.Cond = ir.AndOf(ir.Exists{Field: *it.Field}, src.Cond)
		}
	}
	return &ir.Aggregate{Source: &src, By: agg.By, Items: agg.Items, Having: agg.Having}
}

// OneCount refuses an aggregate other than one count of events (of
// events with a field, when fields is set).
func OneCount(q ir.Query, p *profile.Profile, fields bool, reason string) error {
	agg := q.Aggregate
	if len(agg.Items) != 1 || agg.Items[0].Func != "count" || (agg.Items[0].Field != nil && !fields) {
		construct := "an aggregate other than a count of events"
		if fields {
			construct = "an aggregate other than a count"
		}
		return &Unsupported{Construct: construct, Backend: p.Backend, Pos: q.Pos, Reason: reason}
	}
	return nil
}

// KeyForms write a join or group key as the pseudocode compares it, for
// each transform a profile may map its field with: {f} is the field's
// name. A transform without a form is refused.
type KeyForms map[profile.Transform]string

// Key writes the key f of events (one name in all, AggField).
func (k KeyForms) Key(events []EventCond, p *profile.Profile, l *Language, f ir.Field) (string, error) {
	m, err := AggField(events, p, f)
	if err != nil {
		return "", err
	}
	if m.Field == "" {
		return "", &Unsupported{Construct: "the event's time as a key", Backend: p.Backend, Pos: f.Pos}
	}
	name, err := l.FieldName(m.Field)
	if err != nil {
		return "", err
	}
	form, ok := k[m.Transform]
	if !ok {
		return "", &Unsupported{Construct: "a key the profile maps as a part of " + m.Field, Kind: "a key mapped as a part of a field", Backend: p.Backend, Pos: f.Pos}
	}
	return fillTemplate(form, func(s string) (string, bool) { return name, s == "f" }), nil
}

// CountPipe is a language's count of groups in pipes after the search:
// Pipe counts ({as} the column's name), By names the keys ({keys},
// joined by ", "), Having keeps the groups ({c}, the condition with the
// count named Column, or the item's own name when empty). Reason says why
// a condition on a group's keys cannot be said (the pipe keeps only the
// count).
type CountPipe struct {
	Pipe, By, Having, Column, Reason string
}

// Write writes the count of events's groups after the search in r,
// with keys that map as they are (PlainKeys).
func (c *CountPipe) Write(q ir.Query, agg *ir.Aggregate, p *profile.Profile, l *Language, events []EventCond, r *Result) error {
	keys, err := PlainKeys(events, p, agg.By, l)
	if err != nil {
		return err
	}
	as, column := agg.Items[0].As, c.Column
	if column == "" {
		column = as
	}
	fill := func(tmpl, key, v string) string {
		return fillTemplate(tmpl, func(k string) (string, bool) { return v, k == key })
	}
	r.Query += fill(c.Pipe, "as", as)
	if len(keys) > 0 {
		r.Query += fill(c.By, "keys", strings.Join(keys, ", "))
	}
	if agg.Having != nil {
		text, ok := CountHaving(agg, l, column)
		if !ok {
			return &Unsupported{Construct: "a condition on a group's keys", Backend: p.Backend, Pos: q.Pos, Reason: c.Reason}
		}
		r.Query += fill(c.Having, "c", text)
	}
	return nil
}
