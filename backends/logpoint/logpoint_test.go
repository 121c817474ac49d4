package logpoint_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

func translate(t *testing.T, code string) (string, convert.Entry) {
	t.Helper()
	return backendtest.Translate(t, logpoint.Backend{}, nil, code)
}

const proc = "p = search Process:Create\nx = filter p where "

// TestConstructs checks each construct against a hand-checked query
// (docs/design/logpoint.md: backslashes literal, values with " in single
// quotes, "-" negates, OR binds tighter than the implicit AND, IN [..]
// lists take wildcards, address blocks as prefixes).
func TestConstructs(t *testing.T) {
	sel := "norm_id=WindowsSysmon event_id=1 "
	for _, c := range []struct{ name, code, want, fidelity string }{
		{"base name", proc + `exe == "cmd.exe"`, sel + `image="*\cmd.exe"`, "exact"},
		{"path keeps backslashes", proc + `image_path == "C:\Windows\*\wmic.exe"`, sel + `image="C:\Windows\*\wmic.exe"`, "exact"},
		{"quote in value", proc + `command_line contains "say \"hi\""`, sel + `command='*say "hi"*'`, "exact"},
		{"not", proc + `parent_exe != "explorer.exe"`, sel + `-parent_image="*\explorer.exe"`, "exact"},
		{"or grouped", proc + `exe == "a.exe" or command_line == "*x*"`, sel + `(image="*\a.exe" OR command="*x*")`, "exact"},
		{"in", proc + `exe in ["a.exe", "b.exe"]`, sel + `image IN ["*\a.exe", "*\b.exe"]`, "exact"},
		{"not of a group", proc + `not (user == "a" and command_line == "*b*")`, sel + `-(user="a" command="*b*")`, "exact"},
		{"exists", proc + `user exists`, sel + `user=*`, "exact"},
		{"numbers", proc + `pid == "4" and ppid > 1`, sel + `process_id=4 parent_process_id > 1`, "exact"},
		{"cidr", "f = search Flow:Start\nx = filter f where dest_ip == 10.1.0.0/16", `norm_id=WindowsSysmon event_id=3 destination_address="10.1.*"`, "exact"},
		{"cidr off a byte boundary", "f = search Flow:Start\nx = filter f where dest_ip == 10.0.0.0/12", "", "unsupported"},
		{"question mark", proc + `command_line == "*a?b*"`, sel + `command="*a?b*"`, "approximate"},
		// pySigma's LogPoint backend: | process regex("p", field, "filter=true").
		{"regular expression", proc + `exe == "a.exe" and command_line match "a+\\d"`, sel + `image="*\a.exe" | process regex("a+\d", command, "filter=true")`, "exact"},
		{"case-insensitive regular expression", proc + `command_line match "(?i)abc"`, sel + `| process regex("(?i)abc", command, "filter=true")`, "exact"},
		{"quote in a regular expression", proc + `command_line match "say \"hi\""`, sel + `| process regex("say \x22hi\x22", command, "filter=true")`, "exact"},
		// LogPoint's Sigma backend names a match for a regular expression
		// under an or or a not, and searches the named test.
		{"regular expression under or", proc + `exe == "a.exe" or command_line match "a+"`,
			sel + `| process regex("(?P<cartrans_re1>a+)", command) | process eval("cartrans_re1_true=case(isnotnull(cartrans_re1) -> 'true', 'false')") | search ` + sel + `(image="*\a.exe" OR cartrans_re1_true="true")`, "exact"},
		// Issue 11: a wildcard inside a base name must not cross a
		// backslash; a regular expression says so, exactly.
		{"wildcard inside a base name", proc + `exe == "power*.exe"`, sel + `| process regex("(?i)(?:^|[\\/])power[^\\/]*\.exe$", image, "filter=true")`, "exact"},
		{"wildcard inside a base name in a list", proc + `exe in ["power*.exe", "whoami.exe"]`,
			sel + `| process regex("(?i)(?P<cartrans_re1>(?:^|[\\/])power[^\\/]*\.exe$)", image) | process eval("cartrans_re1_true=case(isnotnull(cartrans_re1) -> 'true', 'false')") | search ` + sel + `(cartrans_re1_true="true" OR image="*\whoami.exe")`, "exact"},
		{"flags inside a regular expression", proc + `command_line match "a(?i)b"`, "", "unsupported"},
		{"unicode class", proc + `command_line match "\\pL"`, "", "unsupported"},
		{"keyword field", "l = search Process:Create\nx = filter l where image_path == \"a\"", sel + `image="a"`, "exact"},
	} {
		got, e := translate(t, c.code+"\noutput x")
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n%s\n got %s [%s %s]\nwant %s [%s]", c.name, c.code, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}

// TestInjection: a value comes out as one LogPoint literal with its exact
// content (LogPoint has no escapes: the quote that is not in the value
// delimits it), or the backend refuses it.
func TestInjection(t *testing.T) {
	b := logpoint.Backend{}
	for _, v := range []string{
		`a"b`, `a'b`, `a\b`, `a\`, `x" OR user="*`, `x' OR '1`, `) OR (`, `| chart count()`, `[a]`, `$x`,
		`OR`, `AND`, `-`, `process`, `a"b'c`, "line\nbreak", "tab\there", "esc\x1b[2J", "soh\x01", "del\x7f", "ls\u2028x",
	} {
		field := ir.Field{Name: "command_line"}
		match := ir.Match{Field: field, Value: ir.Value{Str: v, Quoted: true}}
		// Alone, and in an IN […] list.
		for _, c := range []ir.Cond{match, ir.Or{Terms: []ir.Cond{match, ir.Match{Field: field, Value: ir.Value{Str: "plain", Quoted: true}}}}} {
			q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}}, Cond: c}
			rs, err := b.Convert([]ir.Query{q}, b.Profiles()[0])
			if strings.Contains(v, `"`) && strings.Contains(v, `'`) || strings.ContainsFunc(v, profile.IsControl) {
				if !backends.IsUnsupported(err) {
					t.Errorf("%q: written as %v (%v); it cannot be", v, rs, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%q: %v", v, err)
			}
			lits, err := literalsOf(rs[0].Query)
			want := []string{v}
			if _, isOr := c.(ir.Or); isOr {
				want = append(want, "plain")
			}
			if err != nil || !slices.Equal(lits, want) {
				t.Errorf("%q: %s\n literals %q (%v)", v, rs[0].Query, lits, err)
			}
		}
	}
}

// TestRegexInjection: a regular expression is one string literal of
// process regex(…) whatever it holds; a quote or a control character is
// written as the escape \xNN, which means the same character to the
// expression and cannot end the literal.
func TestRegexInjection(t *testing.T) {
	b := logpoint.Backend{}
	for pattern, want := range map[string]string{
		`a"b`:                     `a\x22b`,
		`a\"b`:                    `a\x22b`,
		`x", command, "filter=tr`: `x\x22, command, \x22filter=tr`,
		`") | delete | search ("`: `\x22) | delete | search (\x22`,
		"line\nbreak":             `line\x0abreak`,
		"esc\x1b[2J del\x7f":      `esc\x1b[2J del\x7f`,
		"ls\u2028x bidi\u202e":    `ls\u2028x bidi\u202e`,
		`C:\\Windows\\.*\.exe`:    `C:\\Windows\\.*\.exe`,
	} {
		q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}},
			Cond: ir.Regexp{Field: ir.Field{Name: "command_line"}, Pattern: pattern}}
		rs, err := b.Convert([]ir.Query{q}, b.Profiles()[0])
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		lits, err := literalsOf(rs[0].Query)
		if err != nil || len(lits) != 2 || lits[0] != want || lits[1] != "filter=true" || strings.Count(rs[0].Query, "|") != 1+strings.Count(want, "|") {
			t.Errorf("%q: %s\n literals %q (%v), want [%q filter=true]", pattern, rs[0].Query, lits, err, want)
		}
	}
}

// literalsOf is a test-only LogPoint tokenizer: a literal runs from a
// quote to the next quote of the same kind, with nothing escaped.
func literalsOf(q string) ([]string, error) {
	var out []string
	for i := 0; i < len(q); i++ {
		if q[i] != '"' && q[i] != '\'' {
			continue
		}
		j := strings.IndexByte(q[i+1:], q[i])
		if j < 0 {
			return nil, fmt.Errorf("unterminated literal at %d", i)
		}
		out = append(out, q[i+1:i+1+j])
		i += j + 1
	}
	return out, nil
}

// TestSelectorErrors checks that a selector LogPoint cannot write is an
// error, not a query with the term dropped or mangled.
func TestSelectorErrors(t *testing.T) {
	b := logpoint.Backend{}
	for sel, want := range map[string]string{
		`[{flag: subtype.create}]`:                    "takes no selector flag",
		`[{field: "a\"b", values: [x]}]`:              `selector field "a\"b"`,
		`[{field: event_id, values: ["it's \"1\""]}]`: "cannot hold both kinds of quote",
	} {
		p, err := profile.Parse("t.yaml", []byte("name: t\nbackend: logpoint\nevents:\n  process/create:\n    selector: "+sel+"\n    fields: {pid: process_id}\n"))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}},
			Cond: ir.Match{Field: ir.Field{Name: "pid"}, Value: ir.NewValue("4", ir.Field{}.Pos)}}
		rs, err := b.Convert([]ir.Query{q}, p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v %v, want an error containing %q", sel, rs, err, want)
		}
	}
}

// TestAggregate checks a count of groups with chart and a condition on
// the count with search (the shape of CAR-2013-04-002's LogPoint query);
// keys LogPoint would have to transform, and conditions on the keys,
// which chart does not keep comparable, are reported.
func TestAggregate(t *testing.T) {
	for _, c := range []struct{ code, want, fidelity string }{
		{"p = search Process:Create where exe == \"cmd.exe\"\nc = count(p) by hostname, user\nx = filter c where count > 5\noutput x",
			`norm_id=WindowsSysmon event_id=1 image="*\cmd.exe" | chart count() as count by host, user | search count > 5`, "exact"},
		{"p = search Process:Create\nc = count(p) by user\nx = filter c where count > 5 and user > 1\noutput x", "", "unsupported"},
		{"p = search Process:Create\nc = count(p) by exe\noutput c", "", "unsupported"},
		{"p = search Process:Create\ng = group p by user\nc = from g select count(pid) as n\noutput c", "", "unsupported"},
	} {
		got, e := translate(t, c.code)
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s\n got %s [%s %s]\nwant %s [%s]", c.code, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}

// TestControlRefusedAtItsLine: a value LogPoint cannot quote is refused
// with the analytic's line and the character, and no query.
func TestControlRefusedAtItsLine(t *testing.T) {
	for _, code := range []string{
		proc + "command_line == \"a\x1b[2J\"\noutput x",
		proc + "user in [\"b\", \"a\x1b[2J\"]\noutput x",
	} {
		got, e := translate(t, code)
		if got != "" || e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, "t.md:2:") || !strings.Contains(e.Reason, "U+001B") {
			t.Errorf("%q: %q [%s %s]", code, got, e.Fidelity, e.Reason)
		}
	}
}

// TestEscapedBackslashBeforeALetter: in a path's expression \\P is a
// backslash and a P, not Python's missing \P{…} (CAR-2020-11-008's
// "…\Program Files…" was refused for it); \P itself still is.
func TestEscapedBackslashBeforeALetter(t *testing.T) {
	b := logpoint.Backend{}
	for pattern, ok := range map[string]bool{`C:\\Program Files\\x`: true, `\\\\Qa`: true, `a\Pb`: false, `\\\Pb`: false, `\x{41}`: false} {
		q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}},
			Cond: ir.Regexp{Field: ir.Field{Name: "command_line"}, Pattern: pattern}}
		rs, err := b.Convert([]ir.Query{q}, b.Profiles()[0])
		if ok && (err != nil || !strings.Contains(rs[0].Query, `regex("`+pattern+`"`)) || !ok && !backends.IsUnsupported(err) {
			t.Errorf("%s: %v %v", pattern, rs, err)
		}
	}
}

// TestNoPromises: no LogPoint profile lists a field as present in every
// event. A profile promises only what the sensor's documentation says
// every event carries (issue 11), and no LogPoint normaliser document
// says so of any field (docs/design/logpoint.md §9).
func TestNoPromises(t *testing.T) {
	for _, p := range (logpoint.Backend{}).Profiles() {
		for key, ev := range p.Events {
			if len(ev.Present) > 0 {
				t.Errorf("profile %s, %s: present %v without a source", p.Name, key, ev.Present)
			}
		}
	}
}
