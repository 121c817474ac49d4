package splunk_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// translate converts one pseudocode program (nil: the default profile).
func translate(t *testing.T, code string, p *profile.Profile) (string, convert.Entry) {
	t.Helper()
	return backendtest.Translate(t, splunk.Backend{}, p, code)
}

const proc = "p = search Process:Create\nx = filter p where "

// TestConstructs checks each construct against a hand-checked query.
// Splunk Search Reference, "search": values compare case-insensitively,
// * is a wildcard, \\ and \" are the escapes of a quoted value;
// "Difference between NOT and !=": NOT f=v keeps events without f.
func TestConstructs(t *testing.T) {
	idx := "index=__your_sysmon_index__ "
	for _, c := range []struct{ name, code, want string }{
		{"base name", proc + `exe == "cmd.exe"` + "\noutput x", idx + `EventCode=1 Image="*\\cmd.exe"`},
		{"base name with leading wildcard", proc + `exe == "*md.exe"` + "\noutput x", idx + `EventCode=1 Image="*md.exe"`},
		{"path", proc + `image_path == "C:\Windows\System32\cmd.exe"` + "\noutput x", idx + `EventCode=1 Image="C:\\Windows\\System32\\cmd.exe"`},
		{"not equal keeps missing fields", proc + `parent_command_line != "x"` + "\noutput x", idx + `EventCode=1 NOT ParentCommandLine="x"`},
		{"and", proc + `exe == "cmd.exe" and parent_exe == "services.exe"` + "\noutput x", idx + `EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"`},
		{"or", proc + `command_line == "*a*" or user == "SYSTEM"` + "\noutput x", idx + `EventCode=1 (CommandLine="*a*" OR User="SYSTEM")`},
		{"or inside and", proc + `(command_line == "*a*" or command_line == "*b*") and user == "x"` + "\noutput x", idx + `EventCode=1 CommandLine IN ("*a*", "*b*") User="x"`},
		{"not of a group", proc + `not (user == "a" and integrity_level == "High")` + "\noutput x", idx + `EventCode=1 NOT (User="a" IntegrityLevel="High")`},
		{"contains", proc + `command_line contains "-enc"` + "\noutput x", idx + `EventCode=1 CommandLine="*-enc*"`},
		{"contains call", proc + `command_line CONTAINS("*-enc*")` + "\noutput x", idx + `EventCode=1 CommandLine="*-enc*"`},
		{"in", proc + `user in ["a", "b"]` + "\noutput x", idx + `EventCode=1 User IN ("a", "b")`},
		{"not in", proc + `user not in ["a", "b"]` + "\noutput x", idx + `EventCode=1 NOT User IN ("a", "b")`},
		{"list constant", "l = [\"a\", \"b\"]\n" + proc + `user in l` + "\noutput x", idx + `EventCode=1 User IN ("a", "b")`},
		{"exists", proc + `parent_command_line exists` + "\noutput x", idx + `EventCode=1 ParentCommandLine=*`},
		{"null", proc + `parent_command_line == null` + "\noutput x", idx + `EventCode=1 NOT ParentCommandLine=*`},
		{"quoted number", proc + `pid == "4"` + "\noutput x", idx + `EventCode=1 ProcessId=4`},
		{"number order", proc + `pid > 4 and ppid <= 10` + "\noutput x", idx + `EventCode=1 ProcessId>4 ParentProcessId<=10`},
		{"cidr", "f = search Flow:Start\nx = filter f where dest_ip == 10.0.0.0/8\noutput x", idx + `EventCode=3 DestinationIp=10.0.0.0/8`},
		{"host name", proc + `hostname == "ws01"` + "\noutput x", idx + `EventCode=1 Computer IN ("ws01", "ws01.*")`},
		{"regular expression", proc + `command_line match "-R .* -pw"` + "\noutput x", idx + `EventCode=1 | where match(CommandLine, "-R .* -pw")`},
		{"regular expression escapes", proc + `command_line match "\d+ a\\\\b \""` + "\noutput x", idx + `EventCode=1 | where match(CommandLine, "\\d+ a\\\\b \"")`},
		{"wildcard inside a base name", proc + `exe == "procdump*.exe"` + "\noutput x", idx + `EventCode=1 | where match(Image, "(?i)(?:^|[\\\\/])procdump[^\\\\/]*\\.exe$")`},
		// No Sysmon source promises a command line in every event (the
		// profile lists only the event's Computer as always present).
		{"negated regular expression is guarded", proc + `not command_line match "a"` + "\noutput x", idx + `EventCode=1 | where NOT (isnotnull(CommandLine) AND match(CommandLine, "a"))`},
		{"no guard on the Computer, which every Windows event carries", proc + `not fqdn match "a"` + "\noutput x", idx + `EventCode=1 | where NOT match(Computer, "a")`},
		{"guard for fields not always present", proc + `not (current_working_directory match "a")` + "\noutput x", idx + `EventCode=1 | where NOT (isnotnull(CurrentDirectory) AND match(CurrentDirectory, "a"))`},
		{"union of actions", "f = search File:Create,Delete\nx = filter f where file_path == \"*.bat\"\noutput x", idx + `(EventCode=11 OR EventCode IN (23, 26)) TargetFilename="*.bat"`},
		{"every action", "p = search Process\nx = filter p where exe == \"a.exe\"\noutput x", idx + `((EventCode=10 SourceImage="*\\a.exe") OR ((EventCode=1 OR EventCode=5) Image="*\\a.exe"))`},
		{"every action, one of which has the field", "p = search Process\nx = filter p where command_line == \"*a*\"\noutput x", idx + `EventCode=1 CommandLine="*a*"`},
		{"every action, negated", "p = search Process\nx = filter p where not command_line == \"*a*\"\noutput x", ""},
		// Zeek's DCE/RPC log, in its own index (the profile's zeek_index).
		{"flow message", "f = search Flow:Message\nx = filter f where dest_port == 135 and proto_info.rpc_interface == \"IRemUnknown2\" and proto_info.pipe == \"atsvc\"\noutput x",
			`index=__your_zeek_index__ sourcetype="bro:dce_rpc:json" id.resp_p=135 endpoint="IRemUnknown2" named_pipe="*\\atsvc"`},
		// Events under different prefixes each carry their own.
		{"events in two indexes", "f = search Flow\nx = filter f where dest_port == 445\noutput x",
			`(index=__your_zeek_index__ sourcetype="bro:dce_rpc:json" id.resp_p=445) OR (index=__your_sysmon_index__ EventCode=3 DestinationPort=445)`},
		{"registry key", "r = search Registry:value_edit\nx = filter r where key == \"*\\Run\" and data == \"*.exe\"\noutput x", idx + `EventCode=13 | where match(TargetObject, "(?i)^.*\\\\Run\\\\[^\\\\]*$") AND match(Details, "(?i)^.*\\.exe$")`},
		// A bare condition is over raw Windows log events, of the
		// Security or the System log.
		{"bare condition", `[EventCode] == 4624 and [LogonType] == 10`, `(index=__your_windows_security_log_index__ OR index=__your_windows_system_log_index__) EventCode=4624 LogonType=10`},
		{"two outputs", proc + "exe == \"a.exe\"\ny = filter p where exe == \"b.exe\"\noutput x, y", idx + "EventCode=1 Image=\"*\\\\a.exe\"\n" + idx + `EventCode=1 Image="*\\b.exe"`},
	} {
		got, e := translate(t, c.code, nil)
		if c.want == "" {
			// A negated test holds on events without the field: they
			// cannot be left out, and the profile does not map it there.
			if e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, "does not map field command_line of process/access") {
				t.Errorf("%s: %s %s", c.name, e.Fidelity, e.Reason)
			}
			continue
		}
		if got != c.want || e.Fidelity != backends.Exact {
			t.Errorf("%s:\n%s\n got %s [%s %s]\nwant %s", c.name, c.code, got, e.Fidelity, e.Reason, c.want)
		}
	}
}

func TestUnsupportedAndUnmapped(t *testing.T) {
	for _, c := range []struct{ code, reason string }{
		{proc + `md5_hash == "x"` + "\noutput x", "t.md:2:20: profile sysmon does not map field md5_hash of process/create"},
		{"t = search Thread:create\noutput t", "profile sysmon does not map events of thread/create"},
		{"a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.pid == b.pid and b.time < a.time + 1 second\noutput j", "cannot express a time bound without an order"},
	} {
		_, e := translate(t, c.code, nil)
		if e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%q: %s %q, want unsupported %q", c.code, e.Fidelity, e.Reason, c.reason)
		}
	}
}

// TestSettings: each log is searched in its own index (Sysmon's, the
// Security log's, the System log's), each a setting; a setting a prefix
// names may be a list of indexes, searched as alternatives, and anything
// else is refused.
func TestSettings(t *testing.T) {
	b := splunk.Backend{}
	p, err := b.Profiles()[0].With(map[string]string{"sysmon_index": "sysmon", "security_index": "wineventlog,main", "system_index": "main"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ code, want string }{
		{proc + `exe == "cmd.exe"` + "\noutput x", `index=sysmon EventCode=1 Image="*\\cmd.exe"`},
		{"l = search User_Session:Login\nx = filter l where user == \"bob\"\noutput x", `(index=wineventlog OR index=main) EventCode=4624 TargetUserName="bob"`},
		{"s = search Service:Create\nx = filter s where name == \"x\"\noutput x", `index=main EventCode=7045 ServiceName="x"`},
		// The Security and System logs, one index named twice.
		{`[EventCode] == 7036`, `(index=wineventlog OR index=main) EventCode=7036`},
	} {
		if got, _ := translate(t, c.code, p); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.code, got, c.want)
		}
	}
	base := splunk.Backend{}.Profiles()[0]
	if _, err := base.With(map[string]string{"indx": "x"}); err == nil || !strings.Contains(err.Error(), "no setting \"indx\"") {
		t.Errorf("unknown setting: %v", err)
	}
	for _, v := range []string{"a,", ",a", "a,,b", "a, b", "a,b|delete", "a,(b)"} {
		if _, err := base.With(map[string]string{"security_index": v}); err == nil {
			t.Errorf("security_index=%q accepted", v)
		}
	}
	// summariesonly goes into tstats as one word: no list.
	if _, err := b.Profiles()[1].With(map[string]string{"summariesonly": "true,false"}); err == nil || !strings.Contains(err.Error(), "one word") {
		t.Errorf("summariesonly=true,false: %v", err)
	}
}

// TestInjection feeds values no query may let escape their literal: each
// must come out as exactly one string token of SPL, with its content, and
// no pipe may appear outside a string but the one before where.
func TestInjection(t *testing.T) {
	values := []string{
		`a"b`, `a\b`, `a\"b`, `a\`, `\\"`, `x" | delete "`, `x | delete`, `[search index=x]`,
		`(a) OR (b)`, `$token$`, "line\nbreak", "tab\there", `OR`, `NOT`, `AND`, `"`, `'`, "`", `=`, `a=b c=d`,
		"esc\x1b[2J", "soh\x01", "del\x7f", "ls\u2028x",
	}
	p := splunk.Backend{}.Profiles()[0]
	for _, v := range values {
		for _, c := range []ir.Cond{
			ir.Match{Field: ir.Field{Name: "command_line"}, Value: ir.Value{Str: v, Quoted: true}},
			ir.Regexp{Field: ir.Field{Name: "command_line"}, Pattern: v},
		} {
			q := ir.Query{Sources: []ir.Source{{Object: "process", Action: "create"}}, Cond: c}
			rs, err := splunk.Backend{}.Convert([]ir.Query{q}, p)
			if strings.Contains(v, "\u2028") {
				// No escape of it is common to SPL's search and PCRE.
				if !backends.IsUnsupported(err) {
					t.Errorf("%q: %v, want it refused", v, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%q: %v", v, err)
			}
			query := rs[0].Query
			if strings.ContainsFunc(query, profile.IsControl) {
				t.Errorf("%q: a raw control character in %q", v, query)
			}
			toks, err := tokenize(query)
			if err != nil {
				t.Errorf("%q: %s: %v", v, query, err)
				continue
			}
			var strs []string
			pipes := 0
			for _, tk := range toks {
				switch tk.kind {
				case str:
					strs = append(strs, tk.text)
				case pipe:
					pipes++
				}
			}
			_, isRegexp := c.(ir.Regexp)
			wantPipes := 0
			if isRegexp || strings.ContainsFunc(v, profile.IsControl) {
				wantPipes = 1
			}
			ok := len(strs) == 1 && pipes == wantPipes
			if ok && wantPipes == 1 && !isRegexp {
				// A value Splunk's search cannot hold is matched by an
				// anchored regular expression: it must match the value.
				re, err := regexp.Compile(strs[0])
				ok = err == nil && re.MatchString(v) && !re.MatchString(v+"x")
			} else if ok && isRegexp && strings.ContainsFunc(v, profile.IsControl) {
				// A control character is written as \xHH: the same pattern.
				ok = unescapeControl(strs[0]) == v && !strings.ContainsFunc(strs[0], profile.IsControl)
			} else if ok {
				ok = strs[0] == v
			}
			if !ok {
				t.Errorf("%q: %s\n strings %q, %d pipes", v, query, strs, pipes)
			}
		}
	}
}

// unescapeControl reads back the \xHH escapes of control characters.
func unescapeControl(s string) string {
	var pairs []string
	for c := range 0x80 {
		if c < 0x20 || c == 0x7f {
			pairs = append(pairs, fmt.Sprintf(`\x%02x`, c), string(rune(c)))
		}
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// TestControlInLists: a list of values (hostname's "Computer IN (…)",
// an "in" of the pseudocode) holding a control character is not written
// as a list, whose quoted values cannot hold it: it is said with match()
// and the character as \xHH, or refused, never written raw.
func TestControlInLists(t *testing.T) {
	for _, c := range []struct{ code, want string }{
		{proc + "hostname == \"ws\x1b[2J\"\noutput x", `| where match(Computer, "(?i)^ws\\x1b\\[2J$") OR match(Computer, "(?i)^ws\\x1b\\[2J\\..*$")`},
		{proc + "user in [\"a\x01\", \"b\"]\noutput x", `| where match(User, "(?i)^a\\x01$") OR match(User, "(?i)^b$")`},
		{proc + "user in [\"a\tb\", \"c\x7f\"]\noutput x", `| where match(User, "(?i)^a\\x09b$") OR match(User, "(?i)^c\\x7f$")`},
		{proc + "hostname == \"ws\u2028\"\noutput x", ""},
	} {
		got, e := translate(t, c.code, nil)
		if strings.ContainsFunc(got, profile.IsControl) {
			t.Errorf("%q: a raw control character in %q", c.code, got)
		}
		switch {
		case c.want == "" && (e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, "t.md:2:")):
			t.Errorf("%q: %s %q, want refused at its line", c.code, e.Fidelity, e.Reason)
		case c.want != "" && !strings.HasSuffix(got, c.want):
			t.Errorf("%q:\n got %s [%s %s]\nwant …%s", c.code, got, e.Fidelity, e.Reason, c.want)
		}
	}
}

// TestCIM checks the CIM profile's tstats queries (Splunk "tstats": the
// where clause takes search terms; Splunk_SA_CIM Endpoint field names).
func TestCIM(t *testing.T) {
	cim := splunk.Backend{}.Profiles()[1]
	head := `| tstats summariesonly=false allow_old_summaries=true fillnull_value="null" count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where `
	tail := " by Processes.dest Processes.user Processes.process_name Processes.process Processes.parent_process_name Processes.parent_process Processes.process_id Processes.parent_process_id | `drop_dm_object_name(Processes)`"
	for _, c := range []struct{ code, want, fidelity string }{
		{proc + `exe == "cmd.exe" and parent_exe != "services.exe"` + "\noutput x", head + `Processes.process_name="cmd.exe" NOT Processes.parent_process_name="services.exe"` + tail, "exact"},
		{proc + `command_line match "a+"` + "\noutput x", "", "unsupported"},
		{"r = search Registry:value_edit\nx = filter r where key == \"*\\Run\"\noutput x", "", "approximate"},
	} {
		got, e := translate(t, c.code, cim)
		if c.want != "" && got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n got %s [%s %s]\nwant %s [%s]", c.code, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}

// TestJoin checks a join written with streamstats (ordered, in a time
// window) and eventstats (unordered): approximate, since the query lists
// the right events that have a match rather than the pairs.
func TestJoin(t *testing.T) {
	got, e := translate(t, "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.hostname == b.hostname and a.pid == b.pid and a.time < b.time < a.time + 30 seconds and b.dest_port == 443\noutput j", nil)
	want := `index=__your_sysmon_index__ (EventCode=1 OR EventCode=3) | eval cartrans_role=mvappend(if(EventCode==1, "left", null()), if(EventCode==3 AND tonumber(DestinationPort)=443, "right", null())) | mvexpand cartrans_role | eval cartrans_key=if(cartrans_role=="left", lower(mvindex(split(Computer, "."), 0)) . "|" . lower(tostring(ProcessId)), lower(mvindex(split(Computer, "."), 0)) . "|" . lower(tostring(ProcessId))) | sort 0 _time | streamstats time_window=30s count(eval(cartrans_role=="left")) as cartrans_left by cartrans_key | where cartrans_role=="right" AND cartrans_left>0`
	if got != want || e.Fidelity != backends.Approximate {
		t.Errorf("ordered join:\n got %s [%s]\nwant %s", got, e.Fidelity, want)
	}
	got, _ = translate(t, "a = search Process:Create\nb = search Process:Create\nj = join (a, b) where a.ppid == b.pid\noutput j", nil)
	if !strings.HasPrefix(got, "index=__your_sysmon_index__ EventCode=1 | eval") || !strings.Contains(got, "| eventstats count(") {
		t.Errorf("unordered join: %s", got)
	}
}

// TestAggregate checks groups and their columns: stats by keys computed
// with eval (lower-cased, after the profile's transform), where on the
// columns, time spans in seconds of _time.
func TestAggregate(t *testing.T) {
	idx := "index=__your_sysmon_index__ "
	for _, c := range []struct{ code, want string }{
		{"p = search Process:Create\nc = count(p) by exe\nx = filter c where count > 5\noutput x",
			idx + `EventCode=1 | eval cartrans_exe=lower(replace(Image, "^.*[\\\\/]", "")) | stats count as count by cartrans_exe | where count > 5`},
		{"u = search User_Session:Login\ng = group u by hostname\ns = from g select min(time) as first, max(time) as last, unique(user) as users\nx = filter s where last - first <= 1 hour and users > 1\noutput x",
			`index=__your_windows_security_log_index__ EventCode=4624 | eval cartrans_hostname=lower(mvindex(split(Computer, "."), 0)) | stats min(_time) as first max(_time) as last dc(TargetUserName) as users by cartrans_hostname | where last - first <= 3600 AND users > 1`},
		{"p = search Process:Create\ns = from p select avg(pid) as a, stddev(pid) as sd\noutput s",
			idx + `EventCode=1 | stats avg(ProcessId) as a stdev(ProcessId) as sd`},
		// A group key is text; compared with a number it is read as one
		// (a key that is not a number makes the comparison false).
		{"p = search Process:Create\nc = count(p) by pid\nx = filter c where pid > 4 and count > 1\noutput x",
			idx + `EventCode=1 | eval cartrans_pid=lower(tostring(ProcessId)) | stats count as count by cartrans_pid | where tonumber(cartrans_pid) > 4 AND count > 1`},
		// A column compared with a fraction keeps every digit of it.
		{"p = search Process:Create\ns = from p select avg(pid) as a\nx = filter s where a > 0.0000001 and a < 2.5\noutput x",
			idx + `EventCode=1 | stats avg(ProcessId) as a | where a > 0.0000001 AND a < 2.5`},
	} {
		got, e := translate(t, c.code, nil)
		if got != c.want || e.Fidelity != backends.Exact {
			t.Errorf("%s\n got %s [%s %s]\nwant %s", c.code, got, e.Fidelity, e.Reason, c.want)
		}
	}
}

// TestJoinAcrossIndexes: a join of events kept under different prefixes
// (Sysmon's index and Zeek's) searches each with its own. The shipped
// profile leaves a Zeek flow's host name unmapped (Zeek records
// addresses); a profile that enriches it, as a user's may, translates
// CAR-2014-12-001's shape.
func TestJoinAcrossIndexes(t *testing.T) {
	p, err := profile.Load("profiles/sysmon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code := "p = search Process:Create\nc = filter p where parent_exe == \"wmiprvse.exe\"\nf = search Flow:Message\n" +
		"w = filter f where proto_info.rpc_interface == \"IRemUnknown2\"\nj = join (w, c) where w.hostname == c.hostname and w.time < c.time < w.time + 1 second\noutput j"
	if _, e := translate(t, code, p); !strings.Contains(e.Reason, "profile sysmon does not map field hostname of flow/message") {
		t.Errorf("shipped profile: %s %q", e.Fidelity, e.Reason)
	}
	p.Events["flow/message"].Fields["hostname"] = profile.FieldMap{Field: "resp_hostname", Transform: profile.HostName}
	got, e := translate(t, code, p)
	want := `(index=__your_zeek_index__ sourcetype="bro:dce_rpc:json") OR (index=__your_sysmon_index__ EventCode=1) | eval cartrans_role=mvappend(`
	if e.Fidelity != backends.Approximate || !strings.HasPrefix(got, want) || !strings.Contains(got, `lower(mvindex(split(resp_hostname, "."), 0))`) {
		t.Errorf("enriched profile: %s %q\n%s", e.Fidelity, e.Reason, got)
	}
}

// TestHostNamePattern: a host name is the first label of the computer's
// name, so a * in a pattern on it may not reach past the first dot.
func TestHostNamePattern(t *testing.T) {
	got, e := translate(t, proc+`hostname == "w*1"`+"\noutput x", nil)
	want := `index=__your_sysmon_index__ EventCode=1 | where match(Computer, "(?i)^w[^.]*1(?:\\..*)?$")`
	if got != want || e.Fidelity != backends.Exact {
		t.Errorf("got %s [%s]\nwant %s", got, e.Fidelity, want)
	}
}

// TestKeywordFieldGoesToWhere: a field named as an SPL operator cannot
// be written in the search command, which has no quote for a field name
// (it would read as the operator): the refusal is Unsupported, so the
// search falls back to where, whose eval quotes the name.
func TestKeywordFieldGoesToWhere(t *testing.T) {
	m := ir.Match{Field: ir.Field{Name: "OR"}, Value: ir.Value{Str: "x", Quoted: true}}
	if got, err := splunk.Search.Emit(m); !backends.IsUnsupported(err) || !strings.Contains(err.Error(), "OR") {
		t.Errorf("search writes %q, %v; want it refused by name", got, err)
	}
	got, err := splunk.Where.Emit(ir.Not{X: m})
	if want := `NOT (isnotnull('OR') AND match('OR', "(?i)^x$"))`; err != nil || got != want {
		t.Errorf("where writes %q, %v; want %q", got, err, want)
	}
}
