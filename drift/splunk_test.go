package drift

import (
	"strings"
	"testing"
)

// TestReadSplunk: the forms of SPL the readers meet, in CAR's pages and
// in cartrans' own output.
func TestReadSplunk(t *testing.T) {
	checkReads(t, ReadSplunk, []readCase{
		{`index=x EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"`,
			`and(index="x"/i EventCode="1"/i Image="*\\cmd.exe"/i ParentImage="*\\services.exe"/i)`, ""},
		// OR binds tighter than the implicit AND; NOT tighter still.
		{`a=1 b=2 OR c=3 NOT d=4`, `and(a="1"/i or(b="2"/i c="3"/i) not(d="4"/i))`, ""},
		{`(a=1 OR b=2) AND c!=3`, `and(or(a="1"/i b="2"/i) c!="3"/i)`, ""},
		// Unquoted values take the same escapes; other backslashes stay.
		{`Image=C:\\Windows\System32\\control.exe`, `Image="C:\\Windows\\System32\\control.exe"/i`, ""},
		{`f="say \"hi\""`, `f="say \"hi\""/i`, ""},
		// \| is a pipe, in quotes too (lang/splunk.Rules): a regex's
		// alternation, as CAR-2020-08-001 writes it.
		{`EventCode=1 | regex CommandLine="a\|b"`, `and(EventCode="1"/i CommandLine=re:"a|b")`, ""},
		// A bare word is a full-text term.
		{`EventCode=1 regsvr32.exe`, `and(EventCode="1"/i "regsvr32.exe")`, ""},
		{`f IN ("a", b)`, `or(f="a"/i f="b"/i)`, ""},
		{`GrantedAccess>5`, `GrantedAccess>exact:"5"`, ""},
		// Filtering pipes are read; the first transforming one ends it.
		{`EventCode=1 | search CommandLine="* /node:*" | regex CommandLine="a\d+" | stats count by host | where count > 1`,
			`and(EventCode="1"/i CommandLine="* /node:*"/i CommandLine=re:"a\\d+")`, `stats count by host`},
		{`index=x | where match(Image, "(?i)^.*\\\\cmd\\.exe$") AND NOT like(CommandLine, "%a_") OR isnotnull(User)`,
			`and(index="x"/i or(and(Image=re:"(?i)^.*\\\\cmd\\.exe$" not(CommandLine=like:"%a_")) User="*"))`, ""},
		{`| tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe (Processes.process="* /c *") by Processes.dest | ` + "`drop_dm_object_name(Processes)`",
			`and(Processes.process_name="cmd.exe"/i Processes.process="* /c *"/i)`, "tstats … by …"},
		{`EventCode=4624 | search NOT [search EventCode=4624 | top 30 user | table user]`, `EventCode="4624"/i`, "subsearch"},
		{"`sysmon` EventID=8", `EventID="8"/i`, "macro `sysmon`"},
	})
}

type readCase struct{ q, want, unread string }

// checkReads reads each query and compares the condition and what is
// left unread.
func checkReads(t *testing.T, read func(string) (*Query, error), cases []readCase) {
	t.Helper()
	for _, c := range cases {
		q, err := read(c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got := q.Where.String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
		if c.unread != "" && !strings.Contains(strings.Join(q.Unread, "|"), c.unread) {
			t.Errorf("%s: unread %q, want it to hold %q", c.q, q.Unread, c.unread)
		}
	}
}

type errCase struct {
	q   string
	pos int
	msg string
}

// checkReadErrors reads each query and wants an *Error at the offset.
func checkReadErrors(t *testing.T, read func(string) (*Query, error), cases []errCase) {
	t.Helper()
	for _, c := range cases {
		_, err := read(c.q)
		e, ok := err.(*Error)
		if !ok || e.Pos != c.pos || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%q: got %v, want offset %d: %s", c.q, err, c.pos, c.msg)
		}
	}
}

// TestReadSplunkErrors: a query that is not well formed is an error at
// its offset, never a guess.
func TestReadSplunkErrors(t *testing.T) {
	checkReadErrors(t, ReadSplunk, []errCase{
		{`Image="C:\\x`, 6, "unterminated string"},
		{`(a=1 OR b=2`, 0, "unbalanced parenthesis"},
		{`a=1 b=2)`, 7, `unbalanced ")"`},
		{`a=`, 1, "a value after ="},
		{`x | `, 4, "a command name after |"},
		{`x | where a`, 10, "a comparison in where"},
		{"`macro", 0, "unterminated macro"},
		{`x [search y`, 2, "unbalanced ["},
	})
}

func FuzzReadSplunk(f *testing.F) {
	for _, s := range []string{`index=x EventCode=1 Image="*\\cmd.exe"`, `a | where match(b, "c") AND like(d, "%")`, `| tstats count where x=1 by y`, `a [search b | c] NOT (d OR e)`, "`m` f IN (1,2)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		query, err := ReadSplunk(q)
		if err == nil {
			_ = query.Where.String()
		}
	})
}
