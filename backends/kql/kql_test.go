package kql_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/kql"
	"github.com/cartrans/cartrans/backends/kql/kqlread"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
	kqllang "github.com/cartrans/cartrans/lang/kql"
	"github.com/cartrans/cartrans/profile"
)

func translate(t *testing.T, profile int, code string) (string, convert.Entry) {
	t.Helper()
	b := kql.Backend{}
	return backendtest.Translate(t, b, b.Profiles()[profile], code)
}

const proc = "p = search Process:Create\nx = filter p where "

// TestConstructs checks each construct against a hand-checked query
// (docs/design/kql.md §1-§4): =~ for a value, contains, startswith and
// endswith for the patterns they say, matches regex with (?is) for the
// others, == for a cased value, in~ for a list, a guarded not(), numbers
// through todouble(), isnotempty() for presence, ipv4_is_in_range.
func TestConstructs(t *testing.T) {
	sel := `DeviceProcessEvents | where ActionType == "ProcessCreated" and `
	for _, c := range []struct {
		name     string
		prof     int
		code     string
		want     string
		fidelity string
	}{
		{"value", 0, proc + `exe == "cmd.exe"`, sel + `FileName =~ "cmd.exe"`, "exact"},
		{"path, verbatim", 0, proc + `image_path == "C:\Windows\*\wmic.exe"`, sel + `FolderPath matches regex @"(?is)^C:\\Windows\\.*\\wmic\.exe$"`, "exact"},
		{"contains, not has", 0, proc + `command_line contains "-enc"`, sel + `ProcessCommandLine contains "-enc"`, "exact"},
		{"startswith", 0, proc + `command_line == "cmd*"`, sel + `ProcessCommandLine startswith "cmd"`, "exact"},
		{"endswith", 0, proc + `command_line == "*.ps1"`, sel + `ProcessCommandLine endswith ".ps1"`, "exact"},
		{"lone star", 0, proc + `command_line == "*"`, sel + `ProcessCommandLine matches regex "(?s)."`, "exact"},
		{"quote", 0, proc + `command_line contains "say \"hi\""`, sel + `ProcessCommandLine contains "say \"hi\""`, "exact"},
		{"quote and backslash", 0, proc + `command_line contains "a\\\"b"`, sel + `ProcessCommandLine contains @"a\""b"`, "exact"},
		{"list", 0, proc + `exe in ["a.exe", "b.exe"]`, sel + `FileName in~ ("a.exe", "b.exe")`, "exact"},
		{"not, guarded", 0, proc + `user != "SYSTEM"`, sel + `not(isnotempty(AccountName) and AccountName =~ "SYSTEM")`, "exact"},
		{"not exists", 0, proc + `user == null`, sel + `not(isnotempty(AccountName))`, "exact"},
		{"numbers", 0, proc + `pid == 4 and ppid > 1`, sel + `todouble(ProcessId) == 4 and todouble(InitiatingProcessId) > 1`, "exact"},
		{"regular expression", 0, proc + `command_line match "a+\\d"`, sel + `ProcessCommandLine matches regex @"a+\d"`, "exact"},
		{"cidr", 0, "f = search Flow:Start\nx = filter f where dest_ip == 10.1.0.0/12", `DeviceNetworkEvents | where ipv4_is_in_range(RemoteIP, "10.1.0.0/12") == true`, "exact"},
		{"cidr v6", 0, "f = search Flow:Start\nx = filter f where dest_ip == fd00::/8", "", "unsupported"},
		{"empty value", 0, proc + `user == ""`, "", "unsupported"},
		{"host name", 0, proc + `hostname == "ws1"`, sel + `(DeviceName =~ "ws1" or DeviceName startswith "ws1.")`, "exact"},
		{"base name in a path", 1, proc + `exe == "cmd.exe"`, `imProcessCreate | where TargetProcessName endswith @"\cmd.exe"`, "exact"},
		{"several tables", 1, "r = search Registry:*\nx = filter r where key == \"HKLM\\x\"",
			`imRegistry | where (EventType == "RegistryKeyCreated" and RegistryKey =~ @"HKLM\x") or (EventType == "RegistryKeyRenamed" and RegistryKey =~ @"HKLM\x") or (EventType in ("RegistryKeyDeleted", "RegistryValueDeleted") and RegistryKey =~ @"HKLM\x") or (EventType == "RegistryValueSet" and RegistryKey =~ @"HKLM\x")`, "exact"},
		{"unmapped field", 0, proc + `guid == "x"`, "", "unsupported"},
	} {
		got, e := translate(t, c.prof, c.code+"\noutput x")
		if got != c.want || string(e.Fidelity) != c.fidelity {
			t.Errorf("%s:\n%s\n got %s [%s %s]\nwant %s [%s]", c.name, c.code, got, e.Fidelity, e.Reason, c.want, c.fidelity)
		}
	}
}

// TestJoinAndAggregate: a pairing is a join kind=inner on lower-cased keys
// with the order and the bound in a where; a count of groups a summarize;
// dcount(), an estimate, is never written for unique.
func TestJoinAndAggregate(t *testing.T) {
	join := "a = search Process:Create\nb = search Process:Create\nx = join (a, b) where a.pid == b.ppid and a.time < b.time < a.time + 30 seconds\noutput x"
	got, e := translate(t, 1, join)
	want := `imProcessCreate | where isnotempty(TargetProcessId) | extend cartrans_k0 = tolower(tostring(TargetProcessId)), cartrans_t0 = TimeGenerated | join kind=inner (imProcessCreate | where isnotempty(ActingProcessId) | extend cartrans_k0 = tolower(tostring(ActingProcessId)), cartrans_t1 = TimeGenerated) on cartrans_k0 | where cartrans_t1 > cartrans_t0 and cartrans_t1 - cartrans_t0 < 30s`
	if got != want || e.Fidelity != backends.Exact {
		t.Errorf("join:\n got %s [%s %s]\nwant %s", got, e.Fidelity, e.Reason, want)
	}
	count := "p = search Process:Create\nc = group p by hostname\nn = from c select count(exe) as n\nx = filter n where n > 5\noutput x"
	got, e = translate(t, 0, count)
	want = `DeviceProcessEvents | where ActionType == "ProcessCreated" and isnotempty(DeviceName) | extend cartrans_hostname = tolower(tostring(split(DeviceName, ".")[0])) | summarize n = countif(isnotempty(FileName)) by cartrans_hostname | where n > 5`
	if got != want || e.Fidelity != backends.Exact {
		t.Errorf("count:\n got %s [%s %s]\nwant %s", got, e.Fidelity, e.Reason, want)
	}
	unique := "p = search Process:Create\nc = group p by hostname\nn = from c select unique(exe) as n\noutput n"
	if got, e := translate(t, 0, unique); e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, "dcount") {
		t.Errorf("unique: %s [%s %s], want it refused naming dcount", got, e.Fidelity, e.Reason)
	}
}

// TestInjection: a value comes out as exactly one string literal of KQL
// with its content (read back by lang/kql's lexer, which the agreement test's reader shares), and
// the query keeps its one where; a value with a control character, which
// a literal cannot hold, is matched by a regular expression that says
// it with \xHH, or refused by name.
func TestInjection(t *testing.T) {
	b := kql.Backend{}
	p := b.Profiles()[1] // sentinel: no selector, so the value is the only literal
	for _, v := range []string{
		`a"b`, `a\b`, `a\"b`, `a\`, `\\"`, `x" or 1==1 or "`, `x" | take 1 | where "`, `@"x`, `a""b`, `'`, `a'b`,
		`) or (`, `| summarize`, `['x']`, `//`, "line\nbreak", "tab\there", "esc\x1b[2J", "soh\x01", "del\x7f", "ls\u2028x",
	} {
		f := ir.Field{Name: "command_line"}
		for _, c := range []ir.Cond{
			ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}},
			ir.Regexp{Field: f, Pattern: regexp.QuoteMeta(v)},
			ir.Not{X: ir.Match{Field: f, Value: ir.Value{Str: v, Quoted: true}}},
		} {
			rs, err := b.Convert([]ir.Query{{Sources: []ir.Source{{Object: "process", Action: "create"}}, Cond: c}}, p)
			if err != nil {
				if !backends.IsUnsupported(err) || !strings.ContainsFunc(v, profile.IsControl) {
					t.Errorf("%q: %v", v, err)
				}
				continue
			}
			q := rs[0].Query
			toks, err := kqllang.Lex(q)
			if err != nil || strings.ContainsFunc(q, profile.IsControl) {
				t.Errorf("%q: %s: %v", v, q, err)
				continue
			}
			var strs []string
			pipes := 0
			for _, tk := range toks {
				if tk.Kind == kqllang.String {
					strs = append(strs, tk.Text)
				}
				if tk.Kind == kqllang.Punct && tk.Text == "|" {
					pipes++
				}
			}
			if len(strs) != 1 || pipes != 1 {
				t.Errorf("%q: %s\n literals %q, %d pipes", v, q, strs, pipes)
				continue
			}
			// The literal is the value, or an expression matching it.
			re, rerr := regexp.Compile(strs[0])
			_, isMatch := c.(ir.Match)
			exact := strs[0] == v && (isMatch || !strings.ContainsFunc(v, profile.IsControl))
			if !exact && (rerr != nil || !re.MatchString(v) || isMatch && re.MatchString(v+"x")) {
				t.Errorf("%q: %s\n literal %q says neither the value nor a pattern of it", v, q, strs[0])
			}
			_, negated := c.(ir.Not)
			if kq, err := kqlread.Read(q); err != nil || kq.Keeps(map[string]string{"TargetProcessCommandLine": v}) == negated {
				t.Errorf("%q: %s: the query does not test the value as written (%v)", v, q, err)
			}
		}
	}
}

// TestNegatedBlock: ipv4_is_in_range() is null for a value that is no IPv4
// address; the block test is written "== true" so that its negation keeps
// such a row, as the pseudocode's does (an IPv6 address is not in an IPv4
// block), and keeps a row without the column.
func TestNegatedBlock(t *testing.T) {
	q, _ := translate(t, 0, "f = search Flow:Start\nx = filter f where not dest_ip == 10.0.0.0/8\noutput x")
	read, err := kqlread.Read(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	for ip, keep := range map[string]bool{"10.1.2.3": false, "11.0.0.1": true, "fd00::1": true, "": true, "host": true} {
		if read.Keeps(map[string]string{"RemoteIP": ip}) != keep {
			t.Errorf("%s on RemoteIP %q: keeps %v, want %v", q, ip, !keep, keep)
		}
	}
}
