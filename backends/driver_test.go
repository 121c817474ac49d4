package backends_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// The drivers' tests run a made-up backend over testProfile: testLang's
// conditions with a declared precedence (not, and, or, tightest first), a
// selector table, and hooks that write what they are given, so that each
// output says what the driver handed them.

func driverLang() *backends.Language {
	l := testLang()
	l.NullUnknown = false
	l.Prec = backends.Precedence{Or: 1, And: 2, Not: 3}
	return l
}

var testSelector = backends.Selector{Eq: "{f} = {v}", In: "{f} IN [{vs}]", Sep: ", ",
	Value: func(v string) (string, error) { return "'" + v + "'", nil }}

func testSearch(l *backends.Language) backends.Search {
	return backends.Search{Lang: l, Selector: testSelector}
}

var terminate = ir.Source{Object: "process", Action: "terminate"}

func pidIs(n string) ir.Cond { return ir.Match{Field: f("pid"), Value: ir.NewValue(n, pos)} }

// TestSearchDriver: per event type its selector and the condition, anded;
// across event types ored; grouping, sharing and the frame as the hooks
// say; parentheses only where the precedence needs them.
func TestSearchDriver(t *testing.T) {
	p := loadProfile(t)
	l := driverLang()
	either := ir.Or{Terms: []ir.Cond{match("command_line", "a"), pidIs("4")}}
	for _, c := range []struct {
		name string
		s    func(*backends.Search)
		q    ir.Query
		want string
	}{
		{"the selector and an or, grouped", nil, query(either, create),
			`EventCode = '1' AND (CommandLine = 'a' OR ProcessId == 4)`},
		{"two event types ored, an and binding tighter", nil, query(pidIs("4"), create, terminate),
			`EventCode = '1' AND ProcessId == 4 OR EventCode = '5' AND ProcessId == 4`},
		{"Share: one condition, the selectors ored", func(s *backends.Search) { s.Share = true }, query(pidIs("4"), create, terminate),
			`(EventCode = '1' OR EventCode = '5') AND ProcessId == 4`},
		{"no condition: the selector alone", nil, query(nil, create), `EventCode = '1'`},
		{"log events: the log selector", nil, query(ir.Match{Field: f("event_code"), Value: ir.NewValue("4624", pos)}),
			`Channel = 'Security' AND EventID == 4624`},
		{"Group and Frame: one search per group", func(s *backends.Search) {
			s.Group = func(_ *profile.Profile, ev backends.EventCond) (string, error) { return ev.Source.Action, nil }
			s.Frame = func(_ ir.Query, _ *profile.Profile, gs []backends.Group, r *backends.Result) error {
				var parts []string
				for _, g := range gs {
					parts = append(parts, g.Key+": "+g.Expr.Text)
				}
				r.Query = strings.Join(parts, " | ")
				return nil
			}
		}, query(pidIs("4"), create, terminate), `create: EventCode = '1' AND ProcessId == 4 | terminate: EventCode = '5' AND ProcessId == 4`},
		{"Select: a selector of the backend's own", func(s *backends.Search) {
			s.Select = func(_ *profile.Profile, ev backends.EventCond) (backends.Expr, error) {
				return backends.Atom("[" + ev.Source.Action + "]"), nil
			}
		}, query(pidIs("4"), create), `[create] AND ProcessId == 4`},
		{"Prepare rewrites the conditions before they are written", func(s *backends.Search) {
			s.Prepare = func(_ *profile.Profile, evs []backends.EventCond, _ *backends.Result) error {
				for i := range evs {
					evs[i].Cond = ir.Not{X: evs[i].Cond}
				}
				return nil
			}
		}, query(either, create), `EventCode = '1' AND NOT (CommandLine = 'a' OR ProcessId == 4)`},
	} {
		s := testSearch(l)
		if c.s != nil {
			c.s(&s)
		}
		r, events, err := s.Run(c.q, p)
		if err != nil || r.Query != c.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", c.name, r.Query, err, c.want)
		}
		if err == nil && (len(events) == 0 || r.Fidelity != backends.Exact) {
			t.Errorf("%s: events %v, fidelity %s", c.name, events, r.Fidelity)
		}
	}
	// A selector with several values is the In template; a flag the
	// table takes no writer for is an error naming it.
	sel := []profile.Term{{Field: "EventCode", Values: []string{"1", "5"}}, {Field: "Channel", Values: []string{"S"}}}
	if x, err := testSelector.Write(l, sel); err != nil || x.Text != `EventCode IN ['1', '5'] AND Channel = 'S'` {
		t.Errorf("selector: %s, %v", x.Text, err)
	}
	if _, err := testSelector.Write(l, []profile.Term{{Flag: "subtype.create"}}); err == nil || !strings.Contains(err.Error(), "subtype.create") {
		t.Errorf("a flag: %v", err)
	}
	// Check refuses, with the refusal as it is.
	s := testSearch(l)
	refusal := &backends.Unsupported{Construct: "anything", Backend: "testlang"}
	s.Check = func(*profile.Profile, ir.Cond, *backends.Result) error { return refusal }
	if _, _, err := s.Run(query(pidIs("4"), create), p); !errors.Is(err, refusal) {
		t.Errorf("Check: %v", err)
	}
}

// testQueries is a made-up backend's drivers: a join writes its sides,
// their keys and the pairing's order; an aggregate its keys and count.
func testQueries(l *backends.Language) *backends.Queries {
	search := func(q ir.Query, p *profile.Profile) (backends.Result, []backends.EventCond, error) {
		s := testSearch(l)
		return s.Run(q, p)
	}
	return &backends.Queries{Search: search,
		Join: &backends.Join{Guard: true,
			Check: func(q ir.Query, p *profile.Profile) error {
				if q.Join.Within > 0 && !q.Join.Ordered {
					return &backends.Unsupported{Construct: "a time bound without an order", Backend: "testlang", Pos: q.Pos}
				}
				return nil
			},
			Key: func(ev backends.EventCond, p *profile.Profile, f ir.Field) (string, error) {
				field, err := backends.JoinKey(ev, p, f)
				return "key:" + field, err
			},
			Write: func(q ir.Query, p *profile.Profile, sides [2]backends.JoinSide, r *backends.Result) error {
				r.Query = "PAIR [" + sides[0].Query + "] BY " + strings.Join(sides[0].Keys, ",") + " WITH [" + sides[1].Query + "] BY " + strings.Join(sides[1].Keys, ",")
				if q.Join.Ordered {
					r.Query += " WITHIN " + q.Join.Within.String()
				}
				return nil
			}},
		Aggregate: &backends.Aggregate{Guard: true, Rewrite: backends.CountOf,
			Check: func(q ir.Query, p *profile.Profile) error { return backends.OneCount(q, p, true, "one count") },
			Write: func(q ir.Query, agg *ir.Aggregate, p *profile.Profile, events []backends.EventCond, r *backends.Result) error {
				c := backends.CountPipe{Pipe: " | COUNT AS {as}", By: " BY {keys}", Having: " | KEEP {c}", Reason: "keys are not kept"}
				return c.Write(q, agg, p, l, events, r)
			}}}
}

// TestJoinDriver: each side searched with its keys required present,
// the keys written per side, the writer given both; a check refuses
// before the sides are written; a side over several kinds of event is
// refused.
func TestJoinDriver(t *testing.T) {
	p := loadProfile(t)
	d := testQueries(driverLang())
	side := func(src ir.Source, cond ir.Cond) *ir.Query { q := query(cond, src); return &q }
	pair := func(left, right *ir.Query, ordered bool, within time.Duration) ir.Query {
		return ir.Query{Name: "j", Pos: pos, Join: &ir.Join{Left: left, Right: right, Ordered: ordered, Within: within,
			Keys: []ir.Key{{Left: f("pid"), Right: f("pid")}}}}
	}
	r, err := d.Query(pair(side(create, match("command_line", "a")), side(terminate, nil), true, time.Minute), p)
	want := `PAIR [EventCode = '1' AND HAS(ProcessId) AND CommandLine = 'a'] BY key:ProcessId WITH [EventCode = '5' AND HAS(ProcessId)] BY key:ProcessId WITHIN 1m0s`
	if err != nil || r.Query != want {
		t.Errorf("join:\n got %s (%v)\nwant %s", r.Query, err, want)
	}
	if len(r.Explain) == 0 {
		t.Errorf("join: the sides' explanations are not kept")
	}
	if _, err := d.Query(pair(side(create, nil), side(terminate, nil), false, time.Minute), p); backends.Category(err) != "a time bound without an order" {
		t.Errorf("Check: %v", err)
	}
	all := ir.Source{Object: "process", Action: "*"}
	if _, err := d.Query(pair(side(all, nil), side(terminate, nil), false, 0), p); backends.Category(err) != "a join side over several kinds of event" {
		t.Errorf("a side over several kinds of event: %v", err)
	}
	// Without a Join or an Aggregate the construct is refused.
	bare := &backends.Queries{Search: d.Search}
	if _, err := bare.Query(pair(side(create, nil), side(terminate, nil), false, 0), p); backends.Category(err) != "join" {
		t.Errorf("no Join: %v", err)
	}
}

// TestAggregateDriver: the source searched with its group keys required
// present, count(f) as a count of events with f, the count pipe's
// templates, a condition on a key refused, an aggregate other than a
// count refused by OneCount.
func TestAggregateDriver(t *testing.T) {
	p := loadProfile(t)
	d := testQueries(driverLang())
	src := query(match("command_line", "a"), create)
	count := func(field *ir.Field, having ir.Cond) ir.Query {
		return ir.Query{Name: "c", Pos: pos, Aggregate: &ir.Aggregate{Source: &src, By: []ir.Field{f("pid")},
			Items: []ir.AggItem{{Func: "count", Field: field, As: "n", Pos: pos}}, Having: having}}
	}
	gt := func(col string) ir.Cond {
		return ir.Having{Terms: []ir.Column{{Name: col}}, Op: ">", Value: 5, Pos: pos}
	}
	cmd := f("command_line")
	for _, c := range []struct {
		name string
		q    ir.Query
		want string
	}{
		{"a count by a key, kept over 5", count(nil, gt("n")), `EventCode = '1' AND HAS(ProcessId) AND CommandLine = 'a' | COUNT AS n BY ProcessId | KEEP n > 5`},
		{"count(f): events with f", count(&cmd, nil), `EventCode = '1' AND HAS(ProcessId) AND HAS(CommandLine) AND CommandLine = 'a' | COUNT AS n BY ProcessId`},
	} {
		if r, err := d.Query(c.q, p); err != nil || r.Query != c.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", c.name, r.Query, err, c.want)
		}
	}
	if _, err := d.Query(count(nil, gt("pid")), p); backends.Category(err) != "a condition on a group's keys" {
		t.Errorf("a condition on a key: %v", err)
	}
	q := count(nil, nil)
	q.Aggregate.Items[0].Func = "max"
	if _, err := d.Query(q, p); backends.Category(err) != "an aggregate other than a count" {
		t.Errorf("OneCount: %v", err)
	}
}

// TestKeyForms: a key in the form of its transform; time and a transform
// without a form are refused.
func TestKeyForms(t *testing.T) {
	p := loadProfile(t)
	l := driverLang()
	events, err := backends.Map(query(nil, create), p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := backends.KeyForms{profile.Same: "lower({f})", profile.HostName: "first({f})"}
	for field, want := range map[string]string{"pid": "lower(ProcessId)", "hostname": "first(Computer)"} {
		if got, err := k.Key(events, p, l, f(field)); err != nil || got != want {
			t.Errorf("%s: %s (%v), want %s", field, got, err, want)
		}
	}
	if _, err := k.Key(events, p, l, f("exe")); backends.Category(err) != "a key mapped as a part of a field" {
		t.Errorf("a transform without a form: %v", err)
	}
	if _, err := k.Key(events, p, l, f("time")); backends.Category(err) != "the event's time as a key" {
		t.Errorf("time: %v", err)
	}
}
