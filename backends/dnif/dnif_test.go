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
		{"wildcards", proc + `command_line == "*a b*"`, head + `$Process=regex(^.*a b.*$)i limit 100`, "exact"},
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
		{"ordering", proc + `pid > 4`, "", "unsupported"},
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

// TestInjection: a value can only ever be the inside of one regex(…): the
// argument has balanced escapes, no unescaped comma or parenthesis that
// would end it, and as a regular expression it matches exactly the value.
func TestInjection(t *testing.T) {
	b := dnif.Backend{}
	for _, v := range []string{
		`a)b`, `a(b`, `a,b`, `a" b`, `a' b`, `x) limit 1 >>_store in_disk x`, `AND $App=x`, `NOT`, `$x`, `\`, `a\b`, `{1,3}`, "line\nbreak", `|`, `.+?`,
	} {
		q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}},
			Cond: ir.Match{Field: ir.Field{Name: "command_line"}, Value: ir.Value{Str: v, Quoted: true}}}
		rs, err := b.Convert([]ir.Query{q}, b.Profiles()[0])
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		query := rs[0].Query
		arg, ok := regexArg(query)
		if !ok || strings.Contains(query, "\n") {
			t.Errorf("%q: %s: no single regex() argument", v, query)
			continue
		}
		re, err := regexp.Compile("(?i)" + strings.ReplaceAll(arg, `\,`, `,`))
		if err != nil || !re.MatchString(v) || re.MatchString(v+"x") {
			t.Errorf("%q: %s: the argument %q does not match exactly the value (%v)", v, query, arg, err)
		}
	}
}

// regexArg is a test-only reader of the $Process=regex(…) term: the
// argument runs to the first ")" not escaped by a backslash.
func regexArg(q string) (string, bool) {
	const open = "$Process=regex("
	i := strings.Index(q, open)
	if i < 0 {
		return "", false
	}
	s := q[i+len(open):]
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case ')':
			rest := s[j+1:]
			if rest != "i limit 100" {
				return "", false
			}
			return s[:j], true
		case '(':
			// a group of the expression: find its end first
			depth := 1
			for j++; j < len(s) && depth > 0; j++ {
				switch s[j] {
				case '\\':
					j++
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			j--
		}
	}
	return "", false
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
	const fetch = "_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=regex(^a\\.exe$)i group count_unique $SystemName, $User limit 100"
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
