package backends

import (
	"fmt"
	"slices"

	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Selector is how a language writes a profile's selector terms: a field
// equal to a value, or to one of several.
type Selector struct {
	Eq string // {f} and {v}
	In string // {f} and {vs}, the values joined by Sep
	// Sep joins In's values; Value writes one (a number bare, a string
	// quoted, as the language compares the schema's own values).
	Sep   string
	Value func(v string) (string, error)
	// Field writes the field's name; nil: the Language's FieldName.
	Field func(string) (string, error)
	// Flag writes a flag term (EQL's subtype.create); nil: the language
	// takes none, and a profile giving one is an error.
	Flag func(string) (string, error)
}

// Write writes selector terms, joined by the language's and.
func (s *Selector) Write(l *Language, terms []profile.Term) (Expr, error) {
	var parts []Expr
	for _, t := range terms {
		if t.Flag != "" {
			if s.Flag == nil {
				return Expr{}, fmt.Errorf("the %s backend takes no selector flag (%s)", l.Name, t.Flag)
			}
			f, err := s.Flag(t.Flag)
			if err != nil {
				return Expr{}, err
			}
			parts = append(parts, Atom(f))
			continue
		}
		field := s.Field
		if field == nil {
			field = l.FieldName
		}
		name, err := field(t.Field)
		if err != nil {
			return Expr{}, fmt.Errorf("selector field %q: %v", t.Field, err)
		}
		vals := make([]string, len(t.Values))
		for i, v := range t.Values {
			if vals[i], err = s.Value(v); err != nil {
				return Expr{}, fmt.Errorf("selector value %q: %v", v, err)
			}
		}
		tmpl, v := s.Eq, ""
		if len(vals) == 1 {
			v = vals[0]
		} else {
			tmpl = s.In
			for i, x := range vals {
				if i > 0 {
					v += s.Sep
				}
				v += x
			}
		}
		parts = append(parts, Atom(fillTemplate(tmpl, func(k string) (string, bool) {
			switch k {
			case "f":
				return name, true
			case "v", "vs":
				return v, true
			}
			return "", false
		})))
	}
	return l.AndOf(parts...), nil
}

// Search is the one driver of a search: each event type the query reads
// (Map) is its selector and the query's condition in the profile's
// terms, anded; alternatives of one group (one table, category, prefix)
// are ored; Frame writes the query around the groups. A backend gives
// the table and the few hooks its language needs.
type Search struct {
	Lang     *Language
	Selector Selector
	// SelLang is the language selectors are written and ored in; nil:
	// Lang (Splunk's where conditions follow a search command's).
	SelLang *Language
	// Approx maps values without regular expressions (Map's approx): the
	// language has none for this profile.
	Approx bool
	// Check refuses what the language cannot say of one event's
	// condition, or notes where it is approximate; nil: none.
	Check func(p *profile.Profile, c ir.Cond, r *Result) error
	// Prepare rewrites or refuses the events' conditions before they are
	// written, adding notes to the result; nil: none.
	Prepare func(p *profile.Profile, events []EventCond, r *Result) error
	// Select writes an event's selector instead of the Selector table
	// (a selector that carries more than the profile's terms).
	Select func(p *profile.Profile, ev EventCond) (Expr, error)
	// Group names the group of an event (one search each); nil: one.
	Group func(p *profile.Profile, ev EventCond) (string, error)
	// Share merges alternatives whose conditions are written alike, their
	// selectors ored: (s1 or s2) and c.
	Share bool
	// Frame writes the query around the groups' conditions; nil: the
	// one group's condition.
	Frame func(q ir.Query, p *profile.Profile, groups []Group, r *Result) error
}

// Group is the events one search covers, their alternatives' selectors
// and conditions, and the or of them (empty when one always holds).
type Group struct {
	Key        string
	Events     []EventCond
	Sels, Cond []Expr
	Expr       Expr
}

// Run maps q onto the profile's events and writes its search; it gives
// the events as mapped, whose fields joins and aggregates read.
func (s *Search) Run(q ir.Query, p *profile.Profile) (Result, []EventCond, error) {
	var explain, approx []Note
	var approxp *[]Note
	if s.Approx {
		approxp = &approx
	}
	events, err := Map(q, p, &explain, approxp)
	if err != nil {
		return Result{}, nil, err
	}
	r := Result{Fidelity: Exact, Explain: explain, Approximations: approx}
	if len(approx) > 0 {
		r.Fidelity = Approximate
	}
	for _, ev := range events {
		if s.Check == nil {
			break
		}
		if err := s.Check(p, ev.Cond, &r); err != nil {
			return r, nil, err
		}
	}
	if s.Prepare != nil {
		if err := s.Prepare(p, events, &r); err != nil {
			return r, nil, err
		}
	}
	// Every event's key, selector and condition, in one buffer: most
	// searches are one group, whose slices are views of it.
	n := len(events)
	buf := make([]Expr, 3*n)
	sels, conds, alts := buf[:n:n], buf[n:2*n:2*n], buf[2*n:]
	keys := make([]string, n)
	oneGroup := true
	for i, ev := range events {
		if s.Group != nil {
			if keys[i], err = s.Group(p, ev); err != nil {
				return r, nil, err
			}
		}
		if sels[i], err = s.selector(p, ev); err != nil {
			return r, nil, err
		}
		if conds[i], err = s.Lang.EmitExpr(ev.Cond); err != nil {
			return r, nil, err
		}
		oneGroup = oneGroup && keys[i] == keys[0]
	}
	var groups []Group
	if oneGroup {
		groups = []Group{{Key: keys[0], Events: events, Sels: sels, Cond: conds}}
	} else {
		for i, ev := range events {
			j := slices.IndexFunc(groups, func(g Group) bool { return g.Key == keys[i] })
			if j < 0 {
				groups = append(groups, Group{Key: keys[i]})
				j = len(groups) - 1
			}
			g := &groups[j]
			g.Events, g.Sels, g.Cond = append(g.Events, ev), append(g.Sels, sels[i]), append(g.Cond, conds[i])
		}
	}
	for i := range groups {
		g := &groups[i]
		if s.Share {
			s.share(g)
		}
		for j := range g.Sels {
			alts[j] = s.Lang.AndOf(g.Sels[j], g.Cond[j])
		}
		g.Expr = s.Lang.OrOf(alts[:len(g.Sels)]...)
	}
	if s.Frame == nil {
		r.Query = groups[0].Expr.Text
		return r, events, nil
	}
	return r, events, s.Frame(q, p, groups, &r)
}

// share merges the alternatives of a group whose conditions are written
// alike, in place: their selectors ored, the condition once.
func (s *Search) share(g *Group) {
	out := 0
	for i := range g.Cond {
		j := slices.IndexFunc(g.Cond[:out], func(c Expr) bool { return c.Text == g.Cond[i].Text })
		if j < 0 {
			g.Sels[out], g.Cond[out] = g.Sels[i], g.Cond[i]
			out++
			continue
		}
		if g.Sels[j].Text != g.Sels[i].Text {
			g.Sels[j] = s.selLang().OrOf(g.Sels[j], g.Sels[i])
		}
	}
	g.Sels, g.Cond = g.Sels[:out], g.Cond[:out]
}

func (s *Search) selector(p *profile.Profile, ev EventCond) (Expr, error) {
	if s.Select != nil {
		return s.Select(p, ev)
	}
	return s.Selector.Write(s.selLang(), ev.Selector)
}

func (s *Search) selLang() *Language {
	if s.SelLang != nil {
		return s.SelLang
	}
	return s.Lang
}

// Merge adds a part's explanations and approximations to r.
func (r *Result) Merge(part Result) {
	r.Explain = append(r.Explain, part.Explain...)
	r.Approximations = append(r.Approximations, part.Approximations...)
	if part.Fidelity == Approximate {
		r.Fidelity = Approximate
	}
}
