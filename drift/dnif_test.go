package drift_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/drift"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// deShow writes a condition tree compactly for the DNIF and EQL reader
// tests: and(…), or(…), not(…), "field op kind:"text"", "field flag";
// /i marks a value compared ignoring case.
func deShow(n *drift.Node) string {
	if n == nil {
		return "<nil>"
	}
	kids := func() string {
		var parts []string
		for _, k := range n.Kids {
			parts = append(parts, deShow(k))
		}
		return strings.Join(parts, ", ")
	}
	switch n.Kind {
	case drift.And:
		return "and(" + kids() + ")"
	case drift.Or:
		return "or(" + kids() + ")"
	case drift.Not:
		return "not(" + kids() + ")"
	case drift.Term:
		return "term:" + strconv.Quote(n.Text)
	}
	t := n.Test
	if t.Op == drift.Flag {
		return t.Field + " flag"
	}
	kind := map[drift.ValueKind]string{drift.Glob: "glob", drift.Exact: "exact", drift.Regex: "regex", drift.Like: "like"}[t.Value.Kind]
	if t.Value.Fold {
		kind += "/i"
	}
	return fmt.Sprintf("%s %s %s:%q", t.Field, t.Op, kind, t.Value.Text)
}

// deCheckError checks that err is a *drift.Error at a position inside q.
func deCheckError(t *testing.T, q string, err error) *drift.Error {
	t.Helper()
	var e *drift.Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %v (%T), want a *drift.Error", q, err, err)
	}
	if e.Pos < 0 || e.Pos > len(q) {
		t.Errorf("%q: error position %d outside the query", q, e.Pos)
	}
	return e
}

// deCheckRegexes checks that every regular expression read is RE2.
func deCheckRegexes(t *testing.T, q string, n *drift.Node) {
	t.Helper()
	if n == nil {
		return
	}
	if n.Kind == drift.Cmp && n.Test.Value.Kind == drift.Regex {
		if _, err := regexp.Compile(n.Test.Value.Text); err != nil {
			t.Errorf("%q: a regex read is not RE2: %v", q, err)
		}
	}
	for _, k := range n.Kids {
		deCheckRegexes(t, q, k)
	}
}

// deImplementations are the code of CAR's hand-written implementations
// of a type, by analytic ID (an ID repeats for several implementations).
func deImplementations(t *testing.T, typ analytic.ImplType) (ids, codes []string) {
	t.Helper()
	names, texts := testcorpus.Pages(t)
	for _, r := range parser.ReadAll(names, texts) {
		if r.Analytic == nil {
			continue
		}
		for _, im := range r.Analytic.Implementations {
			if im.Type == typ {
				ids = append(ids, r.Analytic.ID)
				codes = append(codes, im.Code)
			}
		}
	}
	return ids, codes
}

// deGenerated are the queries a backend writes, through every profile,
// for the repository's example analytics and, when it is present, for
// the CAR corpus.
func deGenerated(t *testing.T, b backends.Backend) []string {
	t.Helper()
	root, err := testcorpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var texts [][]byte
	paths, _ := filepath.Glob(filepath.Join(root, "examples", "analytics", "*"))
	if dir, ok := testcorpus.Find(); ok {
		more, _ := filepath.Glob(filepath.Join(dir, "analytics", "*.md"))
		paths = append(paths, more...)
	} else {
		t.Logf("CAR corpus not found ($%s): reading the examples' queries only", testcorpus.EnvVar)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p)
		texts = append(texts, data)
	}
	var analytics []*analytic.Analytic
	for _, r := range parser.ReadAll(names, texts) {
		if r.Analytic != nil {
			analytics = append(analytics, r.Analytic)
		}
	}
	var out []string
	for _, p := range b.Profiles() {
		entries, _ := convert.Convert(analytics, []convert.Target{{Backend: b, Profile: p}}, convert.Options{})
		for _, e := range entries {
			for _, r := range e.Queries {
				if r.Query != "" {
					out = append(out, r.Query)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s wrote no queries", b.Name())
	}
	t.Logf("%d queries written by %s", len(out), b.Name())
	return out
}

func TestReadDNIF(t *testing.T) {
	tests := []struct {
		q      string
		where  string
		unread []string
	}{
		{
			q:      `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=at.exe limit 100`,
			where:  `and($LogName = exact:"WINDOWS-SYSMON", $EventID = exact:"1", $App = exact:"at.exe")`,
			unread: []string{"limit 100"},
		},
		{ // NOT is "and not"; the regex is read as matching the whole value
			q:      `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=powershell.exe NOT $ParentProcess=regex(.*explorer.exe.*)i limit 30`,
			where:  `and($LogName = exact:"WINDOWS-SYSMON", $EventID = exact:"1", $App = exact:"powershell.exe", not($ParentProcess = regex/i:"^.*explorer.exe.*$"))`,
			unread: []string{"limit 30"},
		},
		{ // CAR-2013-03-001: two labelled fetches and a join
			q: "_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(.*reg\\.exe.*)i AND $ParentProcess=regex(.*cmd\\.exe.*)i as #A limit 100\n" +
				">>_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $Process=regex(.*cmd\\.exe.*)i NOT $ParentProcess=regex(.*explorer\\.exe.*)i as #B limit 100\n" +
				">>_checkif sjoin #B.$PPID = #A.$CPID str_compare #B.$SystemName eq #A.$SystemName include",
			where: `and(and($LogName = exact:"WINDOWS-SYSMON", $EventID = exact:"1", $Process = regex/i:"^.*reg\\.exe.*$", $ParentProcess = regex/i:"^.*cmd\\.exe.*$"), ` +
				`and($LogName = exact:"WINDOWS-SYSMON", $EventID = exact:"1", $Process = regex/i:"^.*cmd\\.exe.*$", not($ParentProcess = regex/i:"^.*explorer\\.exe.*$")))`,
			unread: []string{"as #A", "limit 100", "as #B", "limit 100", "_checkif sjoin #B.$PPID = #A.$CPID str_compare #B.$SystemName eq #A.$SystemName include"},
		},
		{ // CAR-2013-05-009: group, _agg, _checkif
			q: "_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 group count_unique $App, $HashMD5 limit 100\n" +
				">>_agg count_unique $HashMD5\n>>_checkif int_compare count_unique > 1 include",
			where:  `and($LogName = exact:"WINDOWS-SYSMON", $EventID = exact:"1")`,
			unread: []string{"group count_unique $App, $HashMD5", "limit 100", "_agg count_unique $HashMD5", "_checkif int_compare count_unique > 1 include"},
		},
		{ // CAR-2013-07-001: \, is a comma; other escapes are the regex's
			q:      `_fetch * from event where $EventID=1 AND $Process=regex(.*(\-pw.*\@|\\d\{1\,3\}\\\.).*)i limit 100`,
			where:  `and($EventID = exact:"1", $Process = regex/i:"^.*(\\-pw.*\\@|\\\\d\\{1,3\\}\\\\\\.).*$")`,
			unread: []string{"limit 100"},
		},
		{ // cartrans' selector alternation: one test per alternative, case-sensitive
			q:      `_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=regex(^(23|26)$) AND @TargetFilename=regex(^.*\.bat$)i limit 100`,
			where:  `and($LogName = exact:"WINDOWS-SYSMON", or($EventID = regex:"^23$", $EventID = regex:"^26$"), @TargetFilename = regex/i:"^.*\\.bat$")`,
			unread: []string{"limit 100"},
		},
		{ // spaces, escaped parentheses and a top-level alternation in regex()
			q:      `_fetch * from event where $Process=regex(^.* a .*$)i AND $App=regex((^C:\\Program Files \(x86\)\\a\.exe$|^b$))i limit 100`,
			where:  `and($Process = regex/i:"^.* a .*$", or($App = regex/i:"^C:\\\\Program Files \\(x86\\)\\\\a\\.exe$", $App = regex/i:"^b$"))`,
			unread: []string{"limit 100"},
		},
		{ // CAR-2013-04-002: an alternation is an or; the whole value matches
			q:      `_fetch * from event where $App=regex(arp\.exe|at\.exe|(?:ping\.exe))i limit 1`,
			where:  `or($App = regex/i:"^arp\\.exe$", $App = regex/i:"^at\\.exe$", $App = regex/i:"^ping\\.exe$")`,
			unread: []string{"limit 1"},
		},
		{ // inline flags reach across |: kept whole; != of an alternation
			q:      `_fetch * from event where $A=regex((?i)a|b) AND $B!=regex(c|d$) limit 1`,
			where:  `and($A = regex:"^(?:(?i)a|b)$", not(or($B = regex:"^c$", $B = regex:"^d$")))`,
			unread: []string{"limit 1"},
		},
		{ // \Q quotes to \E (or to the end), a \\Q is a backslash and a Q
			q:      `_fetch * from event where $A=regex(a\Q|b) AND $B=regex(C:\\Quarantine|x) limit 1`,
			where:  `and($A = regex:"^(?:a\\Q|b\\E)$", or($B = regex:"^C:\\\\Quarantine$", $B = regex:"^x$"))`,
			unread: []string{"limit 1"},
		},
		{ // a bracket expression's parenthesis does not count; \, in a class
			q:      `_fetch * from event where $A=regex([(]x[^)\,])i limit 1`,
			where:  `$A = regex/i:"^[(]x[^),]$"`,
			unread: []string{"limit 1"},
		},
		{ // a raw field, a leading NOT, a time range, IN, no spaces before >>
			q:      `_fetch * from event where NOT @DestinationPort=5985 AND $Duration=1d AND $PStatus IN [PAD, PER] limit 5>>_agg count`,
			where:  `and(not(@DestinationPort = exact:"5985"), or($PStatus = exact:"PAD", $PStatus = exact:"PER"))`,
			unread: []string{"$Duration=1d", "limit 5", "_agg count"},
		},
		{ // a field list and another source; other operators; quotes
			q:      `_fetch $MaliciousIP, $Engine from maliciousDB_evt_store where $Count>3 AND $User!='a b' first 10`,
			where:  `and($Count > exact:"3", $User != exact:"a b")`,
			unread: []string{"_fetch $MaliciousIP, $Engine from maliciousDB_evt_store", "first 10"},
		},
		{ // no where clause; keywords in lower case
			q:      `_fetch * from event as #A limit 5 >> _fetch * from event where $DstIP=71.XX.XX.120 and $X=1 as #B limit 5`,
			where:  `and($DstIP = exact:"71.XX.XX.120", $X = exact:"1")`,
			unread: []string{"as #A", "limit 5", "as #B", "limit 5"},
		},
		{ // CAR-2013-10-001: _store and a lookup
			q: "_fetch * from event where $LogName=WINDOWS-NXLOG-AUDIT AND $SubSystem=AUTHENTICATION group count_unique $ScopeID, $User limit 30\n" +
				">>_store in_disk david_test win_top_30 stack_replace\n" +
				">>_checkif lookup david_test win_top_30 join $ScopeID = $ScopeID str_compare $User eq $User exclude",
			where: `and($LogName = exact:"WINDOWS-NXLOG-AUDIT", $SubSystem = exact:"AUTHENTICATION")`,
			unread: []string{"group count_unique $ScopeID, $User", "limit 30", "_store in_disk david_test win_top_30 stack_replace",
				"_checkif lookup david_test win_top_30 join $ScopeID = $ScopeID str_compare $User eq $User exclude"},
		},
	}
	for _, tt := range tests {
		got, err := drift.ReadDNIF(tt.q)
		if err != nil {
			t.Errorf("ReadDNIF(%q): %v", tt.q, err)
			continue
		}
		deCheckRegexes(t, tt.q, got.Where)
		if s := deShow(got.Where); s != tt.where {
			t.Errorf("ReadDNIF(%q).Where\n got %s\nwant %s", tt.q, s, tt.where)
		}
		if !reflect.DeepEqual(got.Unread, tt.unread) {
			t.Errorf("ReadDNIF(%q).Unread\n got %q\nwant %q", tt.q, got.Unread, tt.unread)
		}
		if len(got.Categories) != 0 {
			t.Errorf("ReadDNIF(%q).Categories = %q, want none", tt.q, got.Categories)
		}
	}
}

// TestReadDNIFTree checks the nodes themselves, not their rendering.
func TestReadDNIFTree(t *testing.T) {
	q := `_fetch * from event where $App=at.exe NOT $ParentProcess=regex(.*x.*)i limit 1`
	got, err := drift.ReadDNIF(q)
	if err != nil {
		t.Fatal(err)
	}
	w := got.Where
	if w == nil || w.Kind != drift.And || len(w.Kids) != 2 {
		t.Fatalf("Where = %s, want an and of two", deShow(w))
	}
	app := w.Kids[0]
	want := drift.Test{Field: "$App", Op: drift.Eq, Value: drift.Value{Kind: drift.Exact, Text: "at.exe"}}
	if app.Kind != drift.Cmp || app.Test != want || app.Pos != strings.Index(q, "$App") {
		t.Errorf("first term = %+v, want Cmp %+v at %d", app, want, strings.Index(q, "$App"))
	}
	not := w.Kids[1]
	if not.Kind != drift.Not || not.Pos != strings.Index(q, "NOT") || len(not.Kids) != 1 {
		t.Fatalf("second term = %s at %d, want a not at %d", deShow(not), not.Pos, strings.Index(q, "NOT"))
	}
	re := not.Kids[0].Test
	if re.Field != "$ParentProcess" || re.Value != (drift.Value{Kind: drift.Regex, Text: "^.*x.*$", Fold: true}) {
		t.Errorf("negated test = %+v", re)
	}
}

func TestReadDNIFErrors(t *testing.T) {
	tests := []struct {
		q   string
		pos int
		msg string
	}{
		{"", 0, "empty"},
		{"  \n ", 0, "empty"},
		{`_fetch * from event where $App=regex(abc limit 100`, 31, "unterminated regex("},
		{`_fetch * from event where $App=regex(a[)b)i limit 100`, 38, "unterminated ["},
		{`_fetch * from event where $App=regex(*)i limit 1`, 37, "RE2"},
		{`_fetch * from event where $App=regex()i limit 1`, 31, "empty regex"},
		{`_fetch * from event where $A=x OR $B=y limit 1`, 31, "no OR"},
		{`_fetch * from event where ($A=x) limit 1`, 26, "parentheses"},
		{`_fetch * from event where $A=x) limit 1`, 30, "parentheses"},
		{`_fetch * from event where $A='x limit 1`, 29, "unterminated string"},
		{`_fetch * from event where $A IN [a, b limit 1`, 32, "unterminated IN"},
		{`_fetch * from event where $A=x $B=y limit 1`, 31, "AND or NOT"},
		{`_fetch * from event where AND $A=x limit 1`, 26, "AND before"},
		{`_fetch * from event where $A=x AND limit 1`, 35, "a field"},
		{`_fetch * from event where $A= limit 1`, 28, "a value"},
		{`_fetch * from event where limit 10`, 26, "without a condition"},
		{`_fetch * from event where $=1 limit 10`, 26, "field name"},
		{`_fetch * where $A=1 limit 1`, 0, "without from"},
		{`_fetch * from event where $A=1 limit ten`, 31, "a number"},
		{`_fetch * from event where $A=1 limit 1 bogus`, 39, "unexpected"},
		{`_fetch * from event where $A=1 limit 1 >>`, 41, "query function"},
		{`_fetch * from event where $A=1 limit 1 >> >>_agg count`, 42, "query function"},
		{`search $A=1`, 0, "query function"},
		{"_fetch * from event where $A=\xc3 limit 1", 29, "UTF-8"},
		{`_fetch * from event where $A=1 limit 1 >>_checkif str_compare $A eq 'x`, 68, "unterminated string"},
	}
	for _, tt := range tests {
		q, err := drift.ReadDNIF(tt.q)
		if err == nil {
			t.Errorf("ReadDNIF(%q) = %s, want an error", tt.q, deShow(q.Where))
			continue
		}
		e := deCheckError(t, tt.q, err)
		if e.Pos != tt.pos || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("ReadDNIF(%q): error %v, want offset %d and %q", tt.q, err, tt.pos, tt.msg)
		}
	}
}

// TestReadDNIFCAR reads every DNIF query CAR's pages carry.
func TestReadDNIFCAR(t *testing.T) {
	ids, codes := deImplementations(t, analytic.DNIF)
	if len(codes) < 10 {
		t.Fatalf("%d DNIF implementations in the corpus, want CAR's 12", len(codes))
	}
	for i, code := range codes {
		if strings.TrimSpace(code) == "" {
			continue
		}
		q, err := drift.ReadDNIF(code)
		if err != nil {
			t.Errorf("%s: ReadDNIF: %v\n%s", ids[i], err, code)
			continue
		}
		deCheckRegexes(t, code, q.Where)
		if q.Where == nil {
			t.Errorf("%s: no condition read\n%s", ids[i], code)
		}
	}
}

// TestReadDNIFGenerated reads every query cartrans' DNIF backend writes,
// through every profile.
func TestReadDNIFGenerated(t *testing.T) {
	b, ok := all.Find("dnif")
	if !ok {
		t.Fatal("no dnif backend")
	}
	for _, q := range deGenerated(t, b) {
		r, err := drift.ReadDNIF(q)
		if err != nil {
			t.Errorf("ReadDNIF: %v\n%s", err, q)
			continue
		}
		deCheckRegexes(t, q, r.Where)
		t.Logf("%s\n  where:  %s\n  cats:   %q\n  unread: %q", q, deShow(r.Where), r.Categories, r.Unread)
		if r.Where == nil {
			t.Errorf("no condition read\n%s", q)
		}
	}
}

func FuzzReadDNIF(f *testing.F) {
	for _, s := range []string{
		`_fetch * from event where $LogName=WINDOWS-SYSMON AND $EventID=1 AND $App=at.exe limit 100`,
		`_fetch * from event where $App=powershell.exe NOT $ParentProcess=regex(.*explorer.exe.*)i as #A limit 30>>_checkif int_compare Count > 1 include`,
		`_fetch * from event where $Process=regex(.*(\-pw.*\@|\\d\{1\,3\}\\\.).*)i group count_unique $App limit 1`,
		`_fetch * from event where $A IN [a, 'b'] AND $B=regex([(]x)`,
		`_fetch * from event where $A=regex(a\`,
		`>>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r, err := drift.ReadDNIF(q)
		if err != nil {
			deCheckError(t, q, err)
			return
		}
		if r == nil {
			t.Fatalf("ReadDNIF(%q) = nil, nil", q)
		}
		deCheckRegexes(t, q, r.Where)
	})
}
