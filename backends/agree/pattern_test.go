package agree_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/backendtest"
	"github.com/cartrans/cartrans/ir"
)

// patternProcs are process creations whose command lines and users tell
// the patterns the pseudocode cannot write (Sigma's) apart: a literal *
// or ?, a backslash before another character, case.
var patternProcs = []map[string]string{
	{"command_line": "a*b", "user": "SYSTEM"},
	{"command_line": "axb", "user": "system"},
	{"command_line": "a?b", "user": "System"},
	{"command_line": "A*B", "user": "alice"},
	{"command_line": `C:\Temp\x`, "user": "ALICE"},
	{"command_line": `c:\temp\x`},
	{"command_line": `a\b`, "user": "bob"},
	{"command_line": "cmd /c", "user": "SYSTEM"},
	{"command_line": "CMD /C", "user": "a*"},
	{"command_line": "ab", "user": "a?"},
	{"user": "nobody"},
}

// patternConds are conditions on values built as the Sigma reader
// builds them (ir.PatternValue from a string's segments).
func patternConds() []struct {
	name string
	cond ir.Cond
} {
	lit := func(s string) ir.Seg { return ir.Seg{Kind: ir.Lit, Text: s} }
	run, one := ir.Seg{Kind: ir.AnyRun}, ir.Seg{Kind: ir.AnyOne}
	match := func(field string, cased bool, segs ...ir.Seg) ir.Match {
		return ir.Match{Field: ir.Field{Name: field}, Value: ir.PatternValue(segs, cased, diag.Pos{})}
	}
	cl := func(segs ...ir.Seg) ir.Match { return match("command_line", false, segs...) }
	cased := func(segs ...ir.Seg) ir.Match { return match("command_line", true, segs...) }
	type named = struct {
		name string
		cond ir.Cond
	}
	return []named{
		{`a?b`, cl(lit("a"), one, lit("b"))},
		{`?`, cl(one)},
		{`*?`, cl(run, one)},
		{`??`, cl(one, one)},
		{`a?*`, cl(lit("a"), one, run)},
		{`*\?*`, cl(run, lit("?"), run)},
		{`*\**`, cl(run, lit("*"), run)},
		{`a\*b`, cl(lit("a*b"))},
		{`a\?b`, cl(lit("a?b"))},
		{`a\*?`, cl(lit("a*"), one)},
		{`C:\Temp\?`, cl(lit(`C:\Temp\`), one)},
		{`*\t*`, cl(run, lit(`\t`), run)},
		{`a\b (plain)`, cl(lit(`a\b`))},
		{`a\?`, cl(lit(`a\`), one)},
		{`cased cmd /c`, cased(lit("cmd /c"))},
		{`cased CMD*`, cased(lit("CMD"), run)},
		{`cased A?B`, cased(lit("A"), one, lit("B"))},
		{`cased A\*B`, cased(lit("A*B"))},
		{`cased *\**`, cased(run, lit("*"), run)},
		{`cased a\**`, cased(lit("a*"), run)},
		{`cased c:*`, cased(lit("c:"), run)},
		{`cased ab (user SYSTEM)`, match("user", true, lit("SYSTEM"))},
		{`user a\*`, match("user", false, lit("a*"))},
		{`user a\?`, match("user", false, lit("a?"))},
		{`not a?b`, ir.Not{X: cl(lit("a"), one, lit("b"))}},
		{`not a\*b`, ir.Not{X: cl(lit("a*b"))}},
		{`not cased SYSTEM`, ir.Not{X: match("user", true, lit("SYSTEM"))}},
		{`a?b or cased CMD*`, ir.Or{Terms: []ir.Cond{cl(lit("a"), one, lit("b")), cased(lit("CMD"), run)}}},
		{`a?b or a\*b`, ir.Or{Terms: []ir.Cond{cl(lit("a"), one, lit("b")), cl(lit("a*b"))}}},
		{`a\*b or user SYSTEM cased`, ir.Or{Terms: []ir.Cond{cl(lit("a*b")), match("user", true, lit("SYSTEM"))}}},
		{`?* and cased CMD*`, ir.And{Terms: []ir.Cond{cl(one, run), cased(lit("CMD"), run)}}},
	}
}

// TestPatternsAgree: for every backend and profile, each condition on a
// value the pseudocode cannot write (a ? wildcard, a literal * or ?, a
// backslash before another character, case) is either written exactly,
// and then its query keeps the events the native engine keeps, or
// approximate with a reason, or refused by name (backends.Unsupported);
// never an error of another kind.
func TestPatternsAgree(t *testing.T) {
	car, err := native.FindSchema("car")
	if err != nil {
		t.Fatal(err)
	}
	base := backendtest.Lower(t, "p = search Process:Create\nx = filter p where command_line == \"x\"\noutput x")
	conds := patternConds()
	for _, in := range interpreters {
		for _, prof := range in.backend.Profiles() {
			t.Run(in.backend.Name()+"-"+prof.Name, func(t *testing.T) {
				var raws []map[string]string
				for _, p := range patternProcs {
					raws = append(raws, rawEvent(t, prof, p))
				}
				var exact, approx, refused []string
				for _, c := range conds {
					qs := slices.Clone(base)
					qs[0].Cond = c.cond
					want := nativeKeeps(t, qs, car)
					rs, err := in.backend.Convert(qs, prof)
					if err != nil {
						if !backends.IsUnsupported(err) {
							t.Errorf("%s: %v, want a refusal by name (Unsupported)", c.name, err)
						}
						refused = append(refused, c.name)
						continue
					}
					if rs[0].Fidelity != backends.Exact {
						approx = append(approx, c.name)
						continue
					}
					exact = append(exact, c.name)
					test, err := in.read(prof, rs[0].Query)
					if err != nil {
						t.Errorf("%s: %v\n%s", c.name, err, rs[0].Query)
						continue
					}
					var got []int
					for i, ev := range raws {
						if test(ev) {
							got = append(got, i)
						}
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s: native keeps %v, the query keeps %v\n%s", c.name, want, got, rs[0].Query)
					}
				}
				if len(exact) == 0 {
					t.Errorf("no condition written exactly")
				}
				t.Logf("exact %d: %s", len(exact), strings.Join(exact, "; "))
				t.Logf("approximate %d: %s", len(approx), strings.Join(approx, "; "))
				t.Logf("refused %d: %s", len(refused), strings.Join(refused, "; "))
			})
		}
	}
}

// nativeKeeps is the events of patternProcs the native engine keeps.
func nativeKeeps(t *testing.T, qs []ir.Query, car *native.Schema) []int {
	t.Helper()
	var kept []int
	e, err := native.New([]native.Program{{ID: "CAR-2099-01-001", Queries: qs}}, native.Options{Schema: car}, func(m native.Match) {
		kept = append(kept, m.Line)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range patternProcs {
		fields := map[string]string{"object": "process", "action": "create"}
		for k, v := range p {
			fields[k] = v
		}
		if err := e.Event(events.Event{Fields: fields, Line: i}); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(kept)
	return kept
}
