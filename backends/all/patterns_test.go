package all_test

import (
	"slices"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/backendtest"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// TestPatternForms checks the form each backend writes a value the
// pseudocode cannot (Sigma's, built with ir.PatternValue) in: a ?
// wildcard, a literal * or ?, case. The rules, with their sources, are in
// docs/design/<backend>.md ("Sigma's patterns"); an empty want is a
// refusal by name (backends.Unsupported).
func TestPatternForms(t *testing.T) {
	lit := func(s string) ir.Seg { return ir.Seg{Kind: ir.Lit, Text: s} }
	run, one := ir.Seg{Kind: ir.AnyRun}, ir.Seg{Kind: ir.AnyOne}
	anyOne := []ir.Seg{lit("a"), one, lit("b")}
	star := []ir.Seg{lit("a*b")}
	question := []ir.Seg{lit("a?b")}
	starWild := []ir.Seg{run, lit("*"), run}
	path := []ir.Seg{lit(`C:\Temp\`), one}
	casedWild := []ir.Seg{lit("CMD"), run}
	for _, c := range []struct {
		backend, profile, field string
		segs                    []ir.Seg
		cased                   bool
		want                    string
	}{
		{"splunk", "sysmon", "command_line", anyOne, false, `index=__your_sysmon_index__ EventCode=1 | where match(CommandLine, "(?is)^a.b$")`},
		{"splunk", "sysmon", "command_line", star, false, `index=__your_sysmon_index__ EventCode=1 | where match(CommandLine, "(?is)^a\\*b$")`},
		{"splunk", "sysmon", "command_line", question, false, `index=__your_sysmon_index__ EventCode=1 CommandLine="a?b"`},
		{"splunk", "sysmon", "command_line", path, false, `index=__your_sysmon_index__ EventCode=1 | where match(CommandLine, "(?is)^C:\\\\Temp\\\\.$")`},
		{"splunk", "sysmon", "command_line", casedWild, true, `index=__your_sysmon_index__ EventCode=1 | where match(CommandLine, "(?s)^CMD.*$")`},
		{"splunk", "cim", "command_line", anyOne, false, ""},
		{"eql", "endgame", "command_line", anyOne, false, `process where subtype.create and match(command_line, ".*?(?:^a.b$)")`},
		{"eql", "endgame", "command_line", star, false, `process where subtype.create and match(command_line, ".*?(?:^a\\*b$)")`},
		{"eql", "endgame", "command_line", question, false, `process where subtype.create and command_line == "a?b"`},
		{"eql", "endgame", "command_line", casedWild, true, ""},
		{"eql", "endgame", "command_line", []ir.Seg{lit("1"), run}, true, `process where subtype.create and command_line == "1*"`}, // no letter: case cannot matter
		{"eql", "ecs", "command_line", anyOne, false, `process where event.type == "start" and process.command_line : "a?b"`},
		{"eql", "ecs", "command_line", star, false, `process where event.type == "start" and process.command_line in~ ("a*b")`},
		{"eql", "ecs", "command_line", question, false, `process where event.type == "start" and process.command_line in~ ("a?b")`},
		{"eql", "ecs", "command_line", starWild, false, ""},
		{"eql", "ecs", "command_line", []ir.Seg{lit("A*B")}, true, `process where event.type == "start" and process.command_line == "A*B"`},
		{"eql", "ecs", "command_line", []ir.Seg{lit("A"), one, lit("B"), run}, true, `process where event.type == "start" and process.command_line like "A?B*"`},
		{"eql", "ecs", "command_line", []ir.Seg{lit("A*"), run}, true, ""},
		{"logpoint", "sysmon", "command_line", anyOne, false, `norm_id=WindowsSysmon event_id=1 command="a?b"`},
		{"logpoint", "sysmon", "command_line", star, false, `norm_id=WindowsSysmon event_id=1 | process regex("(?is)^a\*b$", command, "filter=true")`},
		{"logpoint", "sysmon", "command_line", question, false, `norm_id=WindowsSysmon event_id=1 | process regex("(?is)^a\?b$", command, "filter=true")`},
		{"logpoint", "sysmon", "command_line", casedWild, true, `norm_id=WindowsSysmon event_id=1 | process regex("(?s)^CMD.*$", command, "filter=true")`},
		{"dnif", "sysmon", "command_line", anyOne, false, `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(^a.b$)i limit 100`},
		{"dnif", "sysmon", "command_line", star, false, `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(^a\*b$)i limit 100`},
		{"dnif", "sysmon", "command_line", path, false, `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(^C:\\Temp\\.$)i limit 100`},
		{"dnif", "sysmon", "command_line", casedWild, true, `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(^CMD.*$) limit 100`},
		// A field the profile maps as a part of another (exe, the base
		// name of the image path): only the pseudocode's patterns are
		// rewritten so.
		{"splunk", "sysmon", "exe", anyOne, false, ""},
		{"eql", "ecs", "exe", casedWild, true, `process where event.type == "start" and process.name like "CMD*"`}, // process.name as it is
	} {
		b, _ := all.Find(c.backend)
		i := slices.IndexFunc(b.Profiles(), func(p *profile.Profile) bool { return p.Name == c.profile })
		qs := backendtest.Lower(t, "p = search Process:Create\nx = filter p where command_line == \"x\"\noutput x")
		v := ir.PatternValue(c.segs, c.cased, diag.Pos{File: "r.yml", Line: 3})
		qs[0].Cond = ir.Match{Field: ir.Field{Name: c.field}, Value: v}
		rs, err := b.Convert(qs, b.Profiles()[i])
		switch {
		case c.want == "" && !backends.IsUnsupported(err):
			t.Errorf("%s/%s %s %q: %v %v, want a refusal by name", c.backend, c.profile, c.field, v.Str, rs, err)
		case c.want == "":
		case err != nil:
			t.Errorf("%s/%s %s %q: %v", c.backend, c.profile, c.field, v.Str, err)
		case rs[0].Query != c.want || rs[0].Fidelity != backends.Exact:
			t.Errorf("%s/%s %s %q:\n got %s (%s)\nwant %s", c.backend, c.profile, c.field, v.Str, rs[0].Query, rs[0].Fidelity, c.want)
		}
	}
}

// TestPlainPatternsUnchanged: a Sigma pattern the pseudocode can write
// (literal text and * only) is the pseudocode's value, and every backend
// writes it as it writes the pseudocode's.
func TestPlainPatternsUnchanged(t *testing.T) {
	code := "p = search Process:Create\nx = filter p where command_line == \"C:\\Temp\\*\"\noutput x"
	v := ir.PatternValue([]ir.Seg{{Kind: ir.Lit, Text: `C:\Temp\`}, {Kind: ir.AnyRun}}, false, diag.Pos{})
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			want, err1 := b.Convert(backendtest.Lower(t, code), p)
			qs := backendtest.Lower(t, code)
			m := qs[0].Cond.(ir.Match)
			m.Value = v
			qs[0].Cond = m
			got, err2 := b.Convert(qs, p)
			if (err1 == nil) != (err2 == nil) || err1 == nil && got[0].Query != want[0].Query {
				t.Errorf("%s/%s: %v %v, want %v %v", b.Name(), p.Name, got, err2, want, err1)
			}
		}
	}
}
