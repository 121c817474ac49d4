package drift_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/drift"
)

func TestReadEQL(t *testing.T) {
	tests := []struct {
		q      string
		cats   []string
		where  string
		unread []string
	}{
		{
			q:     `process where subtype.create and process_name == "at.exe"`,
			cats:  []string{"process"},
			where: `and(subtype.create flag, process_name = glob/i:"at.exe")`,
		},
		{ // CAR-2014-04-003: a group in parentheses, !=
			q:     "process where subtype.create and\n  (process_name == \"powershell.exe\" and parent_process_name != \"explorer.exe\")",
			cats:  []string{"process"},
			where: `and(subtype.create flag, and(process_name = glob/i:"powershell.exe", parent_process_name != glob/i:"explorer.exe"))`,
		},
		{ // CAR-2016-03-002: a filter pipe is anded
			q:     "process where subtype.create and\n  (process_name == \"wmic.exe\" and command_line == \"* process call create \")\n  |filter command_line == \"* /node:*\"",
			cats:  []string{"process"},
			where: `and(subtype.create flag, and(process_name = glob/i:"wmic.exe", command_line = glob/i:"* process call create "), command_line = glob/i:"* /node:*")`,
		},
		{
			q:     `file where file_name == "lsass*.dmp" and process_name == "taskmgr.exe"`,
			cats:  []string{"file"},
			where: `and(file_name = glob/i:"lsass*.dmp", process_name = glob/i:"taskmgr.exe")`,
		},
		{ // or, not, in, not in, numbers, null
			q:    `process where (a == "x" or not b == "y") and c in ("p", 'q', 3) and d not in ("r") and e != null and not f != null and g == null`,
			cats: []string{"process"},
			where: `and(or(a = glob/i:"x", not(b = glob/i:"y")), or(c = exact/i:"p", c = exact/i:"q", c = exact:"3"), not(d = exact/i:"r"), ` +
				`e = glob:"*", not(f = glob:"*"), g != glob:"*")`,
		},
		{ // other pipes are unread; a filter after count filters groups
			q:      `process where process_name == "net.exe" | unique command_line | filter user == "x" | count user | filter count > 5 | head 10`,
			cats:   []string{"process"},
			where:  `and(process_name = glob/i:"net.exe", user = glob/i:"x")`,
			unread: []string{"| unique command_line", "| count user", "| filter count > 5", "| head 10"},
		},
		{ // cartrans' sequence
			q:      `sequence with maxspan=1s [network where subtype.outgoing] by hostname, pid [process where subtype.create and parent_process_name == "services.exe"] by hostname, pid`,
			cats:   []string{"network", "process"},
			where:  `and(subtype.outgoing flag, and(subtype.create flag, parent_process_name = glob/i:"services.exe"))`,
			unread: []string{"sequence with maxspan=1s", "by hostname, pid", "by hostname, pid"},
		},
		{ // by before with, until, fork
			q:      `sequence by user_name with maxspan=5m [file where file_name == "*.exe"] by file_path fork=true [process where true] by process_path until [process where subtype.terminate] by process_path`,
			cats:   []string{"file", "process"},
			where:  `file_name = glob/i:"*.exe"`,
			unread: []string{"sequence by user_name with maxspan=5m", "by file_path fork=true", "by process_path", "until [process where subtype.terminate] by process_path"},
		},
		{ // cartrans' join, and Elasticsearch's sample with :
			q:      `join [process where process_name == "reg.exe"] by ppid, hostname [process where (not parent_process_name == "explorer.exe")] by pid, hostname`,
			cats:   []string{"process", "process"},
			where:  `and(process_name = glob/i:"reg.exe", not(parent_process_name = glob/i:"explorer.exe"))`,
			unread: []string{"join", "by ppid, hostname", "by pid, hostname"},
		},
		{
			q:      `sample by host.name [process where process.name : "reg.exe"] by process.parent.pid [process where process.name : ("cmd.exe", "pwsh*")] by process.pid`,
			cats:   []string{"process", "process"},
			where:  `and(process.name = glob/i:"reg.exe", or(process.name = glob/i:"cmd.exe", process.name = glob/i:"pwsh*"))`,
			unread: []string{"sample by host.name", "by process.parent.pid", "by process.pid"},
		},
		{ // Elasticsearch: a missing event, runs, optional fields
			q:      `sequence by ?process.entity_id with maxspan=1h [process where event.type == "start"] with runs=2 ![process where event.type == "end"]`,
			cats:   []string{"process"},
			where:  `event.type = glob/i:"start"`,
			unread: []string{"sequence by ?process.entity_id with maxspan=1h", "with runs=2", `![process where event.type == "end"]`},
		},
		{ // like, like~, regex, regex~, in~
			q:    `any where a like "x*" and b like~ ("y?", "z") and c regex "a.c" and d regex~ "[0-9]+" and e in~ ("K") and g regex ("x|y", "z")`,
			cats: []string{"any"},
			where: `and(a = glob:"x*", or(b = glob/i:"y?", b = glob/i:"z"), c = regex:"^a.c$", d = regex/i:"^[0-9]+$", ` +
				`e = exact/i:"K", or(g = regex:"^x$", g = regex:"^y$", g = regex:"^z$"))`,
		},
		{ // functions
			q: `process where wildcard(command_line, "* create *", "* config *") and stringContains(a, "x") and startsWith~(b, "y") and endsWith(c, "z") and ` +
				`stringContains(d, "*") and match(command_line, ".*?(?: query)") and length(command_line) > 400 and command_line:length() >= 3`,
			cats: []string{"process"},
			where: `and(or(command_line = glob/i:"* create *", command_line = glob/i:"* config *"), a = glob/i:"*x*", b = glob/i:"y*", c = glob/i:"*z", ` +
				`d = regex/i:"\\*", command_line = regex/i:"^.*?(?: query)", length(command_line) > exact:"400", command_line:length() >= exact:"3")`,
		},
		{ // cidrMatch over IPv4 addresses
			q:     `network where cidrMatch(destination_address, "10.0.0.0/8", "192.168.1.5")`,
			cats:  []string{"network"},
			where: `or(destination_address = regex:"^10\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$", destination_address = regex:"^192\\.168\\.1\\.5$")`,
		},
		{ // strings: escapes, raw, triple quotes, \u{…}; ? is literal in ==
			q:    `file where a == "C:\\Windows\\*" and b == ?"C:\Windows\*" and c == """C:\x""" and d == "\u{41}\t" and e == "what?*" and f == ?'it\'s'`,
			cats: []string{"file"},
			where: `and(a = glob/i:"C:\\Windows\\*", b = glob/i:"C:\\Windows\\*", c = glob/i:"C:\\x", d = glob/i:"A\t", ` +
				`e = regex/i:"^what\\?.*$", f = glob/i:"it's")`,
		},
		{ // numbers, literals on the left, backticks, comments, keywords in a path
			q:     "network where destination_port == 5985 and 49152 <= source.port and \"x\" == `my-field`.`and` // comment\n and /* more */ events[0].pid < -1.5e3",
			cats:  []string{"network"},
			where: `and(destination_port = exact:"5985", source.port >= exact:"49152", my-field.and = glob/i:"x", events[0].pid < exact:"-1.5e3")`,
		},
		{ // a lineage test is unread; an or holding one is unread whole
			q:      `network where process_name == "powershell.exe" and not descendant of [process where process_name == "explorer.exe"] and (a == "1" or child of [process where true])`,
			cats:   []string{"network"},
			where:  `process_name = glob/i:"powershell.exe"`,
			unread: []string{`descendant of [process where process_name == "explorer.exe"]`, `child of [process where true]`},
		},
		{ // no category: any
			q:     `process_name == "cmd.exe"`,
			cats:  []string{"any"},
			where: `process_name = glob/i:"cmd.exe"`,
		},
		{ // a quoted category (Elasticsearch)
			q:     `"my-category" where true`,
			cats:  []string{"my-category"},
			where: `<nil>`,
		},
	}
	for _, tt := range tests {
		got, err := drift.ReadEQL(tt.q)
		if err != nil {
			t.Errorf("ReadEQL(%q): %v", tt.q, err)
			continue
		}
		if s := deShow(got.Where); s != tt.where {
			t.Errorf("ReadEQL(%q).Where\n got %s\nwant %s", tt.q, s, tt.where)
		}
		if !reflect.DeepEqual(got.Categories, tt.cats) {
			t.Errorf("ReadEQL(%q).Categories = %q, want %q", tt.q, got.Categories, tt.cats)
		}
		if !reflect.DeepEqual(got.Unread, tt.unread) {
			t.Errorf("ReadEQL(%q).Unread\n got %q\nwant %q", tt.q, got.Unread, tt.unread)
		}
		deCheckRegexes(t, tt.q, got.Where)
	}
}

// TestReadEQLTree checks the nodes themselves, not their rendering.
func TestReadEQLTree(t *testing.T) {
	q := `process where subtype.create and process_name != "cmd.exe"`
	got, err := drift.ReadEQL(q)
	if err != nil {
		t.Fatal(err)
	}
	w := got.Where
	if w == nil || w.Kind != drift.And || len(w.Kids) != 2 {
		t.Fatalf("Where = %s, want an and of two", deShow(w))
	}
	flag := w.Kids[0]
	if flag.Kind != drift.Cmp || flag.Test != (drift.Test{Field: "subtype.create", Op: drift.Flag}) || flag.Pos != strings.Index(q, "subtype") {
		t.Errorf("first term = %+v", flag)
	}
	ne := w.Kids[1]
	want := drift.Test{Field: "process_name", Op: drift.Ne, Value: drift.Value{Kind: drift.Glob, Text: "cmd.exe", Fold: true}}
	if ne.Kind != drift.Cmp || ne.Test != want || ne.Pos != strings.Index(q, "process_name") {
		t.Errorf("second term = %+v, want %+v", ne, want)
	}
}

func TestReadEQLErrors(t *testing.T) {
	tests := []struct {
		q   string
		pos int
		msg string
	}{
		{"", 0, "empty"},
		{" // nothing\n", 0, "empty"},
		{`process where process_name == "cmd.exe`, 30, "unterminated string"},
		{`process where process_name == ?"cmd.exe`, 30, "unterminated string"},
		{`process where process_name == """cmd.exe""`, 30, "unterminated string"},
		{"process where a == \"x\ny\"", 19, "unterminated string"},
		{`process where (a == "b"`, 14, "unbalanced ("},
		{`process where a in ("b", "c"`, 19, "unbalanced ("},
		{`process where wildcard(a, "b"`, 22, "unbalanced ("},
		{`process where a == "b")`, 22, "unexpected"},
		{`process where a == "C:\Windows"`, 22, "unknown escape"},
		{`process where a == "\u{zz}"`, 20, `\u`},
		{`process where a == "x" b == "y"`, 23, "missing and"},
		{`process where a == b`, 14, "two fields"},
		{`process where "a" == "b"`, 14, "two constants"},
		{`process where a + 1 == 2`, 16, "arithmetic"},
		{`process where foo(a)`, 14, "not read"},
		{`process where stringContains(a, b)`, 32, "string values"},
		{`process where match(a, "(?<!x)y")`, 23, "RE2"},
		{`process where cidrMatch(a, "::1/128")`, 27, "IPv4"},
		{`process where a < null`, 16, "null"},
		{`process where false`, 14, "always false"},
		{`process where "x"`, 14, "condition"},
		{`process where`, 13, "expected"},
		{`where a == 1`, 0, "category"},
		{`process where a == 1 and`, 24, "expected"},
		{`process where a ~ 1`, 16, "unexpected character"},
		{"process where `a == 1", 14, "unterminated `"},
		{`process where a == 1 /* open`, 21, "unterminated /*"},
		{`sequence`, 8, "subquery"},
		{`sequence by a`, 13, "subquery"},
		{`sequence [process where true`, 9, "unbalanced ["},
		{`sequence with span=1 [process where true]`, 14, "maxspan"},
		{`macro X(a) a == 1`, 0, "macro"},
		{"process where a == \"\xff?\"", 20, "UTF-8"},
		{`process where a == 1 | `, 23, "pipe name"},
		{`process where a == 1 | filter b ==`, 34, "expected"},
		{`process where ` + strings.Repeat("(", 2000) + `a` + strings.Repeat(")", 2000), 514, "too deep"},
	}
	for _, tt := range tests {
		q, err := drift.ReadEQL(tt.q)
		if err == nil {
			t.Errorf("ReadEQL(%q) = %s, want an error", tt.q, deShow(q.Where))
			continue
		}
		e := deCheckError(t, tt.q, err)
		if e.Pos != tt.pos || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("ReadEQL(%q): error %v, want offset %d and %q", tt.q, err, tt.pos, tt.msg)
		}
	}
}

// eqlCARDefects are CAR's EQL implementations that are not EQL, with
// why.
var eqlCARDefects = map[string]string{
	// `… == "quser.exe" process_name == "qwinsta.exe" …`: an or is
	// missing, which the EQL parser refuses.
	"CAR-2016-03-001": "missing and",
}

// TestReadEQLCAR reads every EQL query CAR's pages carry (one has no
// code, and is skipped).
func TestReadEQLCAR(t *testing.T) {
	ids, codes := deImplementations(t, analytic.EQL)
	if len(codes) < 10 {
		t.Fatalf("%d EQL implementations in the corpus, want CAR's 12", len(codes))
	}
	for i, code := range codes {
		if strings.TrimSpace(code) == "" {
			continue
		}
		q, err := drift.ReadEQL(code)
		if want, bad := eqlCARDefects[ids[i]]; bad {
			if err == nil {
				t.Errorf("%s: ReadEQL read a query known not to parse\n%s", ids[i], code)
			} else if e := deCheckError(t, code, err); !strings.Contains(e.Msg, want) {
				t.Errorf("%s: error %v, want %q", ids[i], err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ReadEQL: %v\n%s", ids[i], err, code)
			continue
		}
		deCheckRegexes(t, code, q.Where)
		if q.Where == nil || len(q.Categories) == 0 {
			t.Errorf("%s: no condition or category read\n%s", ids[i], code)
		}
	}
}

// TestReadEQLGenerated reads every query cartrans' EQL backend writes,
// through every profile (the endgame dialect and the elasticsearch one).
func TestReadEQLGenerated(t *testing.T) {
	b, ok := all.Find("eql")
	if !ok {
		t.Fatal("no eql backend")
	}
	for _, q := range deGenerated(t, b) {
		r, err := drift.ReadEQL(q)
		if err != nil {
			t.Errorf("ReadEQL: %v\n%s", err, q)
			continue
		}
		deCheckRegexes(t, q, r.Where)
		t.Logf("%s\n  where:  %s\n  cats:   %q\n  unread: %q", q, deShow(r.Where), r.Categories, r.Unread)
		if len(r.Categories) == 0 {
			t.Errorf("no category read\n%s", q)
		}
	}
}

func FuzzReadEQL(f *testing.F) {
	for _, s := range []string{
		`process where subtype.create and (process_name == "cmd.exe" and parent_process_name != "explorer.exe")`,
		`file where file_name == "lsass*.dmp" and process_name == "taskmgr.exe" | filter command_line == "* /node:*" | head 5`,
		`sequence by hostname with maxspan=5s [process where true] by pid [file where wildcard(file_path, "a*", ?"b\")] by pid until [process where x in ("a", 1)]`,
		`process where process.name : ("a", "b") and not c regex~ "x.*" and length(d) > 3 and e:length() < 2 and descendant of [process where true]`,
		`any where "\u{41}" == a and b == """x""" and `,
		`process where (((a == "x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r, err := drift.ReadEQL(q)
		if err != nil {
			deCheckError(t, q, err)
			return
		}
		if r == nil {
			t.Fatalf("ReadEQL(%q) = nil, nil", q)
		}
		deCheckRegexes(t, q, r.Where)
	})
}
