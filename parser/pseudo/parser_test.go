package pseudo_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/parser/printer"
	"github.com/cartrans/cartrans/parser/pseudo"
)

func parse(src string) (*ast.Program, diag.List) {
	return pseudo.Parse(src, pseudo.Base{File: "f.md", Line: 1})
}

func codes(d diag.List) string {
	var c []string
	for _, x := range d {
		c = append(c, x.Code)
	}
	return strings.Join(c, " ")
}

// TestConstructs parses one program per construct of the language and
// checks its canonical form and its diagnostics (repairs are warnings).
func TestConstructs(t *testing.T) {
	for _, c := range []struct{ name, src, want, codes string }{
		{"search", "p = search Process:Create", "p = search Process:Create", ""},
		{"search all actions", "p = search Process:*", "p = search Process:*", ""},
		{"search bare object", "p = search Process", "p = search Process:*", ""},
		{"search action list", "f = search File:Create,Modify", "f = search File:Create or File:Modify", ""},
		{"search or", "r = search Registry:add or Registry:value_edit", "r = search Registry:add or Registry:value_edit", ""},
		{"search parenthesised or", "r = search (Registry:add OR Registry:remove)", "r = search Registry:add or Registry:remove", ""},
		{"search and is a union", "r = search (Registry:add AND Registry:remove)", "r = search Registry:add or Registry:remove", "W121"},
		{"search where", "b = search Process:Create where (hostname == h)", "b = search Process:Create where (hostname == h)", ""},
		{"user session spelling", "u = search User_Session:Login", "u = search User_Session:Login", ""},
		{"filter", "x = filter p where exe == \"cmd.exe\"", `x = filter p where exe == "cmd.exe"`, ""},
		{"filter paren where", "x = filter p (where exe == \"a\")", `x = filter p where exe == "a"`, ""},
		{"filter without source", "x = filter (exe == \"a\" or exe == \"b\")", `x = filter where (exe == "a" or exe == "b")`, ""},
		{"filter bare expression", "x = filter exe == \"a\"", `x = filter where exe == "a"`, ""},
		{"join", "j = join (a, b) where (a.pid == b.ppid and a.hostname == b.hostname)", "j = join (a, b) where (a.pid == b.ppid and a.hostname == b.hostname)", ""},
		{"join without parens", "j = join a, b where a.pid == b.pid", "j = join (a, b) where a.pid == b.pid", ""},
		{"chained time bound", "j = join (a, b) where a.time < b.time < a.time + 2 seconds", "j = join (a, b) where a.time < b.time < a.time + 2 seconds", ""},
		{"glued duration", "j = join (a, b) where b.time <= a.time + 1sec", "j = join (a, b) where b.time <= a.time + 1sec", ""},
		{"group", "g = group a, b by hostname, ppid", "g = group a, b by hostname, ppid", ""},
		{"group where", "g = group a by hostname where count > 3", "g = group a by hostname where count > 3", ""},
		{"select aggregates", "s = from g select min(time) as first, max(time) as last, count(user) as n", "s = from g select min(time) as first, max(time) as last, count(user) as n", ""},
		{"select projection", "s = from g select parent_exe, hostname", "s = from g select parent_exe, hostname", ""},
		{"select missing comma", "s = from g select min(time) as a max(time) as b", "s = from g select min(time) as a, max(time) as b", "W123"},
		{"count by", "c = count(p) by exe", "c = count(p) by exe", ""},
		{"set difference", "n = old - new", "n = old - new", ""},
		{"run", "r = run Analytic:CAR-2013-05-003", "r = run Analytic:CAR-2013-05-003", ""},
		{"input", "input target_host", "input target_host", ""},
		{"derived field", "s.file_name = s.proto_info.file_name", "s.file_name = s.proto_info.file_name", ""},
		{"list constant", `l = ["a.exe", "b.exe", 3]`, `l = ["a.exe", "b.exe", 3]`, ""},
		{"list with ellipsis", `l = ["a.exe", ...]`, `l = ["a.exe", ...]`, ""},
		{"aggregate value", "t = max(boots.time)", "t = max(boots.time)", ""},
		{"arithmetic", "b = avg - stdev * 1.5", "b = avg - stdev * 1.5", ""},
		{"output", "output a, b", "output a, b", ""},
		{"output parens", "output (a, b)", "output a, b", ""},
		{"return", "return a", "return a", ""},
		{"bare condition", `[log_name] == "Security" and [event_code] in [1100, 1102]`, `[log_name] == "Security" and [event_code] in [1100, 1102]`, ""},
		{"bare over lines", "a == 1 and\nb == 2", "a == 1 and b == 2", ""},
		{"bare with =", "event_code = 4624 and logon_type = 3", "event_code == 4624 and logon_type == 3", "W120"},
		{"in brackets is a list", "x = filter p where exe in [cmd]", "x = filter p where exe in [cmd]", ""},
		{"and or not words", "x = filter p where not a == 1 AND b == 2 OR NOT c == 3", "x = filter p where not a == 1 and b == 2 or not c == 3", ""},
		{"and or not symbols", "x = filter p where !(a == 1) && b == 2 || c == 3", "x = filter p where not (a == 1) and b == 2 or c == 3", ""},
		{"precedence kept by parens", "x = filter p where (a == 1 or b == 2) and c == 3", "x = filter p where (a == 1 or b == 2) and c == 3", ""},
		{"comparisons", "x = filter p where a != 1 and b < 2 and c <= 3 and d > 4 and e >= 5 and f <> 6", "x = filter p where a != 1 and b < 2 and c <= 3 and d > 4 and e >= 5 and f != 6", ""},
		{"assign as equals", `x = filter p where exe = "a"`, `x = filter p where exe == "a"`, "W120"},
		{"match", `x = filter p where command_line match "-R .* -pw"`, `x = filter p where command_line match "-R .* -pw"`, ""},
		{"matches method", `x = filter p where command_line.matches("a+b")`, `x = filter p where command_line match "a+b"`, ""},
		{"contains call", `x = filter p where command_line CONTAINS("*x*")`, `x = filter p where command_line contains ("*x*")`, ""},
		{"contains", `x = filter p where command_line contains "x"`, `x = filter p where command_line contains "x"`, ""},
		{"includes one of", `x = filter p where command_line includes one of ["a", "b"]`, `x = filter p where command_line contains ["a", "b"]`, ""},
		{"does not contain", `x = filter p where command_line does not contain ["a", "b"]`, `x = filter p where command_line does not contain ["a", "b"]`, ""},
		{"in", `x = filter p where exe in ["a", "b"]`, `x = filter p where exe in ["a", "b"]`, ""},
		{"IN parens", `x = filter p where exe IN ("a", "b")`, `x = filter p where exe in ["a", "b"]`, ""},
		{"not in list name", `x = filter p where exe not in office`, `x = filter p where exe not in office`, ""},
		{"NOT IN call", `x = filter p where user NOT IN top(user)`, `x = filter p where user not in top(user)`, ""},
		{"exists", `x = filter p where parent_exe exists`, `x = filter p where parent_exe exists`, ""},
		{"null", `x = filter p where signer == null and user != null`, `x = filter p where signer == null and user != null`, ""},
		{"now and durations", `x = filter p where time >= now - 1 day and time < now - 30 minutes`, `x = filter p where time >= now - 1 day and time < now - 30 minutes`, ""},
		{"cidr", `x = filter f where dest_ip == 10.0.0.0/8`, `x = filter f where dest_ip == 10.0.0.0/8`, ""},
		{"numbers", `x = filter f where dest_port == 445 and n > -2 and r < 1.5`, `x = filter f where dest_port == 445 and n > -2 and r < 1.5`, ""},
		{"single quotes", `x = filter p where exe == 'cmd.exe'`, `x = filter p where exe == "cmd.exe"`, ""},
		{"smart quotes", "x = filter p where exe == “cmd.exe”", `x = filter p where exe == "cmd.exe"`, "W101"},
		{"backslashes", `x = filter p where image_path == "C:\Windows\*" or image_path == "C:\\Windows\\*"`, `x = filter p where image_path == "C:\Windows\*" or image_path == "C:\Windows\*"`, ""},
		{"escaped quote and final backslash", `x = filter p where a == "say \"hi\"" or b == "C:\\"`, `x = filter p where a == "say \"hi\"" or b == "C:\\"`, ""},
		{"pipe artefact", `x = filter p where command_line == "*a{{pipe}}b*"`, `x = filter p where command_line == "*a|b*"`, ""},
		{"unquoted file name", `x = filter p where exe = svchost.exe`, `x = filter p where exe == "svchost.exe"`, "W120 W122"},
		{"unquoted wildcard", `x = filter p where command_line == *transfer*`, `x = filter p where command_line == "*transfer*"`, "W122"},
		{"dataset field that looks like a file", "b = search Process:Create\nx = filter b where b.exe == \"a.exe\" or svchost.exe == c", "b = search Process:Create\nx = filter b where b.exe == \"a.exe\" or \"svchost.exe\" == c", "W122"},
		{"unquoted path", `x = filter p where image_path == C:\Windows\System32\net.exe`, `x = filter p where image_path == "C:\Windows\System32\net.exe"`, "W122"},
		{"bracketed field", `x = filter p where [EventCode] == 4624`, `x = filter p where [EventCode] == 4624`, ""},
		{"nested field", `x = filter f where proto_info.pipe == "ATSVC"`, `x = filter f where proto_info.pipe == "ATSVC"`, ""},
	} {
		prog, d := parse(c.src)
		got := strings.TrimSuffix(printer.Print(prog), "\n")
		if got != c.want || codes(d) != c.codes {
			t.Errorf("%s: %q\n got %s  [%s]\nwant %s  [%s]", c.name, c.src, got, codes(d), c.want, c.codes)
		}
	}
}

// TestErrors checks that what is not certain is an error at the right
// place, and that the statements around it are still read.
func TestErrors(t *testing.T) {
	for _, c := range []struct{ src, diag string }{
		{"x = filter p where a == 1 b == 2", "f.md:1:27: error[E110]: expected the end of the statement (an operator missing?), found \"b\""},
		{"x = join (search, filter) where a.x == b.x", "f.md:1:11: error[E110]: expected the first dataset of the join, found \"search\""},
		{"x = filter p where a == 1 and", "f.md:1:30: error[E110]: expected a value or a field, found end of line"},
		{"r = run Analytic:XYZ", "f.md:1:9: error[E110]: expected Analytic:CAR-YYYY-MM-NNN, found \"Analytic:XYZ\""},
		{"x = filter p where a == ...", "f.md:1:25: error[E110]: expected a value (\"...\" is allowed only at the end of a list), found \"...\""},
		{"a == 1\nb == 2", "f.md:2:1: error[E125]: two conditions with nothing between them"},
		{"p = search Process\na == 1", "f.md:2:1: error[E125]: a condition standing alone must be the whole block"},
		{"x = filter p", "f.md:1:13: error[E110]: expected \"where\" and a condition after the dataset, found end of line"},
		{"g = group a by", "f.md:1:15: error[E110]: expected a field name, found end of line"},
	} {
		_, d := parse(c.src)
		if len(d) == 0 || !strings.HasPrefix(d[0].String(), c.diag) {
			t.Errorf("%q:\n got %v\nwant %s", c.src, d, c.diag)
		}
	}
}

func TestRecoveryKeepsOtherStatements(t *testing.T) {
	prog, d := parse("p = search Process:Create\nx = filter p where a == 1 b\ny = filter p where c == 2\noutput y")
	if len(d) != 1 || len(prog.Stmts) != 4 {
		t.Fatalf("%d statements, %v", len(prog.Stmts), d)
	}
	bad, ok := prog.Stmts[1].(*ast.BadStmt)
	if !ok || bad.Name.Name != "x" {
		t.Errorf("statement 2 is %T, want a BadStmt naming x", prog.Stmts[1])
	}
}

func TestDeepNesting(t *testing.T) {
	for _, src := range []string{
		"x = filter p where " + strings.Repeat("(", 100000) + "a == 1" + strings.Repeat(")", 100000),
		"x = filter p where " + strings.Repeat("not ", 100000) + "a == 1",
		"l = " + strings.Repeat("[", 100000),
	} {
		_, d := parse(src)
		if !strings.Contains(codes(d), "E111") {
			t.Errorf("%.30q…: %v", src, codes(d))
		}
	}
	// Within the bound, nesting is fine.
	src := "x = filter p where " + strings.Repeat("(", 100) + "a == 1" + strings.Repeat(")", 100)
	if _, d := parse(src); len(d) > 0 {
		t.Errorf("100 levels: %v", d)
	}
}

func TestPositionsInFile(t *testing.T) {
	prog, _ := pseudo.Parse("p = search Process:Create\n  x = filter p where exe == \"a\"", pseudo.Base{File: "a.yaml", Line: 30, Indent: 6})
	var b bytes.Buffer
	_ = ast.Fprint(&b, prog.Stmts[1], true)
	if !strings.Contains(b.String(), "At: 31:9") || !strings.Contains(b.String(), "At: 31:28") {
		t.Errorf("positions:\n%s", b.String())
	}
}

// TestDiagnosticSpans: the parser's diagnostics span the token (or, for a
// bare condition, the statement) they are about.
func TestDiagnosticSpans(t *testing.T) {
	for _, c := range []struct{ src, code, want string }{
		{"p = search Process:Create\nx = filter p where exe = \"a\"\noutput x", "W120", "="},
		{"p = search Process:Create\nx = filter p where exe == svchost.exe\noutput x", "W122", "svchost.exe"},
		{"p = search (Registry:add AND Registry:remove)\noutput p", "W121", "AND"},
		{"p = search Process:Create\nx = filter p where exe == == 1\noutput x", "E110", "=="},
		{"exe == \"a\"\nuser == \"b\"", "E125", "user == \"b\""},
	} {
		_, diags := parse(c.src)
		lines := strings.Split(c.src, "\n")
		found := false
		for _, d := range diags {
			if d.Code != c.code {
				continue
			}
			found = true
			if d.End.Line != d.Pos.Line || d.End.Col < d.Pos.Col {
				t.Errorf("%s: span %v-%v", c.code, d.Pos, d.End)
				continue
			}
			if got := lines[d.Pos.Line-1][d.Pos.Col-1 : d.End.Col-1]; got != c.want {
				t.Errorf("%s spans %q, want %q", c.code, got, c.want)
			}
		}
		if !found {
			t.Errorf("%q: no %s in %v", c.src, c.code, diags)
		}
	}
}
