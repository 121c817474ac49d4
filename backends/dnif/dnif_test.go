package dnif_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
)

// translate converts a program whose result is x.
func translate(t *testing.T, code string) (string, convert.Entry) {
	t.Helper()
	return backendtest.Translate(t, dnif.Backend{}, nil, code+"\noutput x")
}

const proc = "p = search Process:Create\nx = filter p where "

// TestConstructs checks each construct against a hand-checked query
// (docs/design/dnif.md: = is case-sensitive, so strings are regex(…)i;
// no OR, so alternatives on one field are one alternation; NOT is "and
// not"; every _fetch has a limit).
func TestConstructs(t *testing.T) {
	head := "_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND "
	for _, c := range []struct{ name, code, want, fidelity string }{
		{"name", proc + `exe == "cmd.exe"`, head + `$App=regex(^cmd\.exe$)i limit 100`, "exact"},
		// A space is \x20: no word of a value stands alone in the clause.
		{"wildcards", proc + `command_line == "*a b*"`, head + `$Process=regex(^.*a\x20b.*$)i limit 100`, "exact"},
		{"regular expression with a space and an anchor", proc + `command_line match "a (b|c)$"`, head + `$Process=regex(.*(a\x20(b|c)$).*) limit 100`, "exact"},
		{"anchor inside", proc + `command_line match "a$b"`, "", "unsupported"},
		{"quoting", proc + `command_line match "\\Qa b\\E"`, "", "unsupported"},
		{"line separator", proc + "command_line == \"a\u2028b\"", "", "unsupported"},
		{"not", proc + `exe == "powershell.exe" and parent_exe != "explorer.exe"`, head + `$App=regex(^powershell\.exe$)i NOT $ParentProcess=regex(^.*\\explorer\.exe$)i limit 100`, "exact"},
		{"or on one field", proc + `exe in ["a.exe", "b.exe"]`, head + `$App=regex((^a\.exe$|^b\.exe$))i limit 100`, "exact"},
		{"number", proc + `pid == 4`, head + `$CPID=4 limit 100`, "exact"},
		{"regular expression", proc + `command_line match "a+"`, head + `$Process=regex(.*(a+).*) limit 100`, "exact"},
		{"comma escaped", proc + `command_line match "\d{1,3}"`, head + `$Process=regex(.*(\d{1\,3}).*) limit 100`, "exact"},
		// No OR across fields: each alternative is a labelled fetch of its
		// own (DNIF "_fetch", Labelling: the fetches' union), approximate
		// since an event meeting several is listed by each.
		{"or across fields", proc + `exe == "a.exe" or command_line == "*x*" or exe == "b.exe"`,
			head + "$App=regex((^a\\.exe$|^b\\.exe$))i as #A limit 100\n>>" + head + "$Process=regex(^.*x.*$)i as #B limit 100", "approximate"},
		{"negated and", proc + `not (exe == "a.exe" and command_line == "*x*")`,
			strings.TrimSuffix(head, "AND ") + "NOT $App=regex(^a\\.exe$)i as #A limit 100\n>>" + strings.TrimSuffix(head, "AND ") + "NOT $Process=regex(^.*x.*$)i as #B limit 100", "approximate"},
		// Issue 11: comparisons and presence tests are _checkif filters
		// after the fetch (DNIF "_checkif": int_compare, key_exists); a
		// negated one excludes. key_exists counts an empty value as none.
		{"ordering", proc + `pid > 4`, strings.TrimSuffix(head, " AND ") + " limit 100\n>>_checkif int_compare $CPID > 4 include", "exact"},
		{"ordering and more", proc + `exe == "a.exe" and pid >= 600 and not ppid < 60`,
			head + "$App=regex(^a\\.exe$)i limit 100\n>>_checkif int_compare $CPID >= 600 include\n>>_checkif int_compare $PPID < 60 exclude", "exact"},
		{"ordering with a fraction", proc + `pid > 4.5`, "", "unsupported"},
		{"ordering under an or", proc + `pid > 4 or exe == "a.exe"`, "", "unsupported"},
		{"presence", proc + `ppid exists`, strings.TrimSuffix(head, " AND ") + " limit 100\n>>_checkif key_exists $PPID exclude", "approximate"},
		{"absence", proc + `ppid == null`, strings.TrimSuffix(head, " AND ") + " limit 100\n>>_checkif key_exists $PPID include", "approximate"},
		// Fields CAR's DNIF queries never name are read raw (@Name).
		{"raw field", proc + `image_path == "C:\\a.exe"`, head + `@Image=regex(^C:\\a\.exe$)i limit 100`, "exact"},
		// Several selector values become one case-sensitive alternation.
		{"selector of two codes", "f = search File:Delete\nx = filter f where file_name == \"a.txt\"",
			"_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=regex(^(23|26)$) AND @TargetFilename=regex(^.*\\\\a\\.txt$)i limit 100", "exact"},
	} {
		got, e := translate(t, c.code)
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n%s\n got %s [%s %s]\nwant %s [%s]", c.name, c.code, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
		// Every refusal says where the construct is.
		if e.Fidelity == "unsupported" && !strings.HasPrefix(e.Reason, "t.md:2:") {
			t.Errorf("%s: reason %q does not name the line", c.name, e.Reason)
		}
	}
}

// TestInjection: a value or a regular expression can only ever be the
// inside of one regex(…): the query is the one for a plain value with only
// the argument changed; the argument is of the closed alphabet (no space,
// quote, >, comma, control character; $ only before a ")" or "|"), its raw
// parentheses balance, and as a regular expression it matches exactly the
// value, or means what the expression means.
func TestInjection(t *testing.T) {
	b := dnif.Backend{}
	convert := func(c ir.Cond) (string, error) {
		q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}}, Cond: c}
		rs, err := b.Convert([]ir.Query{q}, b.Profiles()[0])
		if err != nil {
			return "", err
		}
		return rs[0].Query, nil
	}
	field := ir.Field{Name: "command_line"}
	plain, _ := convert(ir.Match{Field: field, Value: ir.Value{Str: "x", Quoted: true}})
	head, tail, _ := strings.Cut(plain, "regex(^x$)")
	for _, v := range []string{
		`a)b`, `a(b`, `a,b`, `a" b`, `a' b`, `x) limit 1 >>_store in_disk x`, `AND $App=x`, `NOT`, `$x`, `\`, `a\b`, `{1,3}`, "line\nbreak", `|`, `.+?`,
		`a OR $b=regex(c)`, `x where y`, `a >> b`, `#A`, "esc\x1b[2J", "soh\x01", "tab\there", "del\x7f", `a=b`, `%`, "`", `;`,
	} {
		for _, c := range []ir.Cond{
			ir.Match{Field: field, Value: ir.Value{Str: v, Quoted: true}},
			ir.Regexp{Field: field, Pattern: regexp.QuoteMeta(v) + "$"},
			ir.Regexp{Field: field, Pattern: "(?i)[" + regexp.QuoteMeta(v) + "]"},
		} {
			query, err := convert(c)
			if err != nil {
				t.Fatalf("%q: %v", v, err)
			}
			flag := "i"
			if _, ok := c.(ir.Regexp); ok && !strings.HasPrefix(c.(ir.Regexp).Pattern, "(?i)") {
				flag = ""
			}
			arg, ok := strings.CutPrefix(query, head+"regex(")
			if ok {
				arg, ok = strings.CutSuffix(arg, ")"+flag+strings.TrimPrefix(tail, "i"))
			}
			if !ok || !closedArg(arg) {
				t.Errorf("%q: %s: not one regex() argument of the closed alphabet", v, query)
				continue
			}
			re, err := regexp.Compile("(?i)" + strings.ReplaceAll(arg, `\,`, `,`))
			switch c := c.(type) {
			case ir.Match:
				ok = err == nil && re.MatchString(v) && !re.MatchString(v+"x")
			case ir.Regexp:
				want, _ := regexp.Compile("(?i).*(" + strings.TrimPrefix(c.Pattern, "(?i)") + ").*")
				ok = err == nil && re.String() != "" && re.MatchString(v) == want.MatchString(v) && re.MatchString(v+"\x00") == want.MatchString(v+"\x00")
			}
			if !ok {
				t.Errorf("%q: %s: the argument %q does not mean the same (%v)", v, query, arg, err)
			}
		}
	}
}

// closedArg reports an argument of the alphabet escapeRegexArg writes,
// whose raw parentheses balance.
func closedArg(arg string) bool {
	depth := 0
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		switch {
		case c == '\\':
			i++
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		case c == '$':
			if i+1 < len(arg) && arg[i+1] != ')' && arg[i+1] != '|' {
				return false
			}
		case c == ' ' || c == ',' || c == '"' || c == '\'' || c == '>' || c == '<' || c == '=' || c == '#' || c == '`' || c == ';' || c == '%' || c < 0x20 || c == 0x7f:
			return false
		}
	}
	return depth == 0
}

// TestJoin: a join is two labelled fetches and _checkif sjoin, the form
// of CAR's DNIF query for CAR-2013-03-001 (with the pseudocode's
// direction: the left side's ppid is the right side's pid).
func TestJoin(t *testing.T) {
	const sides = "p = search Process:Create\na = filter p where exe == \"reg.exe\"\nb = filter p where exe == \"cmd.exe\"\n"
	for _, c := range []struct{ name, code, want, fidelity string }{
		{"ids", sides + "x = join (a, b) where a.ppid == b.pid",
			"_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^reg\\.exe$)i as #A limit 100\n" +
				">>_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^cmd\\.exe$)i as #B limit 100\n" +
				">>_checkif sjoin #A.$PPID = #B.$CPID include", "exact"},
		{"id and host name", sides + "x = join (a, b) where a.ppid == b.pid and a.hostname == b.hostname",
			"_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^reg\\.exe$)i as #A limit 100\n" +
				">>_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^cmd\\.exe$)i as #B limit 100\n" +
				">>_checkif sjoin #A.$PPID = #B.$CPID str_compare #A.$SystemName eq #B.$SystemName include", "approximate"},
		{"time bound", sides + "x = join (a, b) where a.ppid == b.pid and a.time < b.time < a.time + 1 second", "", "unsupported"},
		{"three keys", sides + "x = join (a, b) where a.ppid == b.pid and a.hostname == b.hostname and a.user == b.user", "", "unsupported"},
	} {
		got, e := translate(t, c.code)
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n got %s [%s %s]\nwant %s [%s]", c.name, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}

// TestAggregate: a count of events by keys is group count_unique, and
// each condition on it one _checkif int_compare with <= or > (the
// comparisons DNIF's documentation and CAR show), counts being whole.
func TestAggregate(t *testing.T) {
	const src = "p = search Process:Create\nx = filter p where exe == \"a.exe\"\n"
	const fetch = "_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^a\\.exe$)i group count_unique $SystemName, @User limit 100"
	for _, c := range []struct{ name, having, want, fidelity string }{
		{"more than", "count > 1", fetch + "\n>>_checkif int_compare count_unique > 1 include", "exact"},
		{"at least", "count >= 3", fetch + "\n>>_checkif int_compare count_unique > 2 include", "exact"},
		{"under a fraction", "count < 2.5", fetch + "\n>>_checkif int_compare count_unique <= 2 include", "exact"},
		{"equal", "count == 2", fetch + "\n>>_checkif int_compare count_unique > 1 include\n>>_checkif int_compare count_unique <= 2 include", "exact"},
		{"and, not", "count > 1 and not count > 9", fetch + "\n>>_checkif int_compare count_unique > 1 include\n>>_checkif int_compare count_unique > 9 exclude", "exact"},
		{"not equal", "count != 2", "", "unsupported"},
		{"or", "count < 2 or count > 9", "", "unsupported"},
	} {
		got, e := translate(t, src+"c = count(x) by hostname, user\nx = filter c where "+c.having)
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n got %s [%s %s]\nwant %s [%s]", c.name, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}
