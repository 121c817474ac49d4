package analytictest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/analytictest"
	_ "github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/sigmair"
)

const ruleID = "5f6a7b8c-1d2e-4f30-9a4b-5c6d7e8f9012"

// rule is a Sigma rule firing on process creations of evil.exe.
const rule = `title: Evil Started
id: ` + ruleID + `
status: test
level: high
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\evil.exe'
    condition: selection
`

// event is a Sysmon process creation in evtx_dump's JSON shape.
func event(image string) string {
	return `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,` +
		`"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"host.example.org"},` +
		`"EventData":{"Image":"` + strings.ReplaceAll(image, `\`, `\\`) + `","CommandLine":"x","ProcessId":4}}}` + "\n"
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func info(id string, count string) string {
	s := "id: 00000000-0000-0000-0000-000000000000\nrule_metadata:\n    - id: " + id + "\n      title: Evil Started\n" +
		"regression_tests_info:\n    - name: Positive Detection Test\n      type: evtx\n"
	if count != "" {
		s += "      match_count: " + count + "\n"
	}
	return s + "      path: regression_data/rules/windows/process_creation/evil/" + id + ".evtx\n"
}

// load reads the rule files as parser.Load does for the commands.
func load(t *testing.T, paths ...string) []*analytic.Analytic {
	t.Helper()
	var out []*analytic.Analytic
	for _, r := range parser.Load(paths, parser.Options{}) {
		if r.Analytic == nil {
			t.Fatalf("%s: %v", r.Path, r.Diags)
		}
		out = append(out, r.Analytic)
	}
	return out
}

// regressionDir writes a regression test folder: info.yml and the
// events, in both files. The .evtx file holds the JSON dump too (events
// are told by content, not name): a binary EVTX is read in the corpus
// test, over SigmaHQ's own files.
func regressionDir(t *testing.T, infoText string, events string) string {
	dir := t.TempDir()
	sub := filepath.Join(dir, "rules", "windows", "process_creation", "evil")
	write(t, sub, "info.yml", infoText)
	write(t, sub, ruleID+".evtx", events)
	write(t, sub, ruleID+".json", events)
	return dir
}

// TestRegressionCounts: a test passes on both files when the rule
// matches exactly match_count events, and fails saying how many it
// matched otherwise; without match_count one match or more passes, as
// SigmaHQ's runner asks.
func TestRegressionCounts(t *testing.T) {
	rules := load(t, write(t, t.TempDir(), "evil.yml", rule))
	evs := event(`C:\Temp\evil.exe`) + event(`C:\Windows\notepad.exe`) + event(`D:\evil.exe`)
	for _, c := range []struct {
		count   string
		outcome analytictest.Outcome
		reason  string
	}{
		{"2", analytictest.Pass, ""},
		{"1", analytictest.Fail, "2 matches, want 1"},
		{"3", analytictest.Fail, "2 matches, want 3"},
		{"", analytictest.Pass, ""},
	} {
		dir := regressionDir(t, info(ruleID, c.count), evs)
		tests, diags := analytictest.LoadRegression([]string{dir})
		if len(diags) > 0 || len(tests) != 1 {
			t.Fatalf("match_count %q: %v %+v", c.count, diags, tests)
		}
		rs := analytictest.RunRegression(rules, tests, analytictest.Options{})
		if len(rs) != 2 || rs[0].Kind != analytictest.RegressionEVTX || rs[1].Kind != analytictest.RegressionJSON {
			t.Fatalf("match_count %q: %+v", c.count, rs)
		}
		for _, r := range rs {
			if r.Outcome != c.outcome || r.Reason != c.reason || r.Matches != 2 || r.ID != ruleID || r.Title != "Evil Started" ||
				r.Pos.Line != 6 || filepath.Base(r.Pos.File) != "info.yml" {
				t.Errorf("match_count %q: %+v", c.count, r)
			}
		}
	}
	// No match at all, with no match_count: fails.
	dir := regressionDir(t, info(ruleID, ""), event(`C:\Windows\notepad.exe`))
	tests, _ := analytictest.LoadRegression([]string{filepath.Join(dir, "rules/windows/process_creation/evil/info.yml")})
	rs := analytictest.RunRegression(rules, tests, analytictest.Options{})
	if len(rs) != 2 || rs[0].Outcome != analytictest.Fail || rs[0].Reason != "0 matches, want at least 1" {
		t.Errorf("%+v", rs)
	}
}

// TestRegressionSkips: a test whose rule is not among the inputs, or
// cannot be lowered, is skipped saying why; so is the JSON test when the
// dump is missing, while a missing .evtx fails.
func TestRegressionSkips(t *testing.T) {
	dir := regressionDir(t, info(ruleID, "1"), event(`C:\evil.exe`))
	tests, diags := analytictest.LoadRegression([]string{dir})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	rs := analytictest.RunRegression(nil, tests, analytictest.Options{})
	for _, r := range rs {
		if r.Outcome != analytictest.Skip || r.Reason != "rule "+ruleID+" is not among the inputs" {
			t.Errorf("missing rule: %+v", r)
		}
	}
	unmapped := strings.Replace(rule, "Image|endswith", "NoSuchField|endswith", 1)
	rules := load(t, write(t, t.TempDir(), "evil.yml", unmapped))
	for _, r := range analytictest.RunRegression(rules, tests, analytictest.Options{}) {
		if r.Outcome != analytictest.Skip || !strings.Contains(r.Reason, "Sigma field NoSuchField has no CAR field") {
			t.Errorf("unmapped field: %+v", r)
		}
	}
	rules = load(t, write(t, t.TempDir(), "evil.yml", rule))
	sub := filepath.Dir(tests[0].EVTX)
	if err := os.Remove(tests[0].JSON()); err != nil {
		t.Fatal(err)
	}
	rs = analytictest.RunRegression(rules, tests, analytictest.Options{})
	if rs[0].Outcome != analytictest.Pass || rs[1].Outcome != analytictest.Skip || !strings.Contains(rs[1].Reason, "no JSON dump") {
		t.Errorf("no JSON: %+v", rs)
	}
	if err := os.Remove(filepath.Join(sub, ruleID+".evtx")); err != nil {
		t.Fatal(err)
	}
	rs = analytictest.RunRegression(rules, tests, analytictest.Options{})
	if rs[0].Outcome != analytictest.Fail || !strings.Contains(rs[0].Reason, "no such file") {
		t.Errorf("no EVTX: %+v", rs)
	}
}

// TestRegressionBadInfo: a malformed info.yml is an error at its line,
// and none of its tests is run; a folder without info.yml is an error.
func TestRegressionBadInfo(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"rule_metadata: [\n", "info.yml:1: error: info.yml: did not find expected node content"},
		{"- a\n- b\n", "info.yml:1: error: info.yml: not a mapping"},
		{"rule_metadata:\n    - title: x\nregression_tests_info:\n    - name: t\n      match_count: 1\n      path: a.evtx\n", "info.yml:2: error: info.yml: a rule_metadata entry without an id"},
		{"rule_metadata:\n    - id: x\n", "info.yml:1: error: info.yml: no regression_tests_info"},
		{"rule_metadata:\n    - id: x\nregression_tests_info:\n    - name: t\n      match_count: many\n      path: a.evtx\n", "info.yml:5: error: info.yml: unmarshal errors: cannot unmarshal !!str `many` into int"},
		{"rule_metadata:\n    - id: x\nregression_tests_info:\n    - name: t\n      match_count: -2\n      path: a.evtx\n", "info.yml:4: error: info.yml: test \"t\": match_count -2 is negative"},
		{"rule_metadata:\n    - id: x\nregression_tests_info:\n    - name: t\n      match_count: 1\n      path: ..\n", "info.yml:4: error: info.yml: test \"t\" names no events file"},
		{"rule_metadata: 3\nregression_tests_info: []\n", "info.yml:1: error: info.yml: rule_metadata is not a list"},
		{strings.Repeat("#", analytictest.MaxInfoSize+1), "info.yml: error: too large"},
	} {
		dir := t.TempDir()
		write(t, dir, "info.yml", c.text)
		tests, diags := analytictest.LoadRegression([]string{dir})
		if len(tests) != 0 || len(diags) == 0 || !strings.Contains(diags[0].String(), c.want) {
			t.Errorf("%.60q: %v, want %q", c.text, diags, c.want)
		}
	}
	empty := t.TempDir()
	if _, diags := analytictest.LoadRegression([]string{empty}); len(diags) != 1 || !strings.Contains(diags[0].Message, "no info.yml") {
		t.Errorf("empty folder: %v", diags)
	}
}

// idLine finds a rule's id.
var idLine = regexp.MustCompile(`(?m)^id: ([0-9a-f-]+)\s*$`)

// knownFailures are the corpus's regression tests a rule that lowers
// fails, and why: each was checked by hand. A test that starts passing
// must be taken off the list.
var knownFailures = map[string]string{
	// info.yml says 1 match; 3 of the events meet the rule under Sigma's
	// semantics (contains '\AppData\Roaming\AnyDesk\user.conf' is met by
	// user.conf.new twice and user.conf~RF….TMP). SigmaHQ's runner
	// checks only that the rule fires, so its match_count went unchecked.
	"0b9ad457-2554-44c1-82c2-d56a99c42377": "3 matches, want 1",
	// Likewise: procdump.exe, procdump64.exe and procdump64a.exe each
	// end with a name the rule lists (their :Zone.Identifier streams do
	// not).
	"8fbf3271-1ef6-4e94-8210-03c2317947f6": "3 matches, want 1",
	// Likewise: three values set under ...\ZoneMap\Domains\, none with a
	// Details the filter drops.
	"45e112d0-7759-4c2a-aa36-9f8fb79d3393": "3 matches, want 1",
}

// TestRegressionCorpus runs SigmaHQ's regression tests: every rule that
// lowers must pass on the .evtx file and on its JSON dump alike, but for
// the known failures; the skips are counted by reason.
func TestRegressionCorpus(t *testing.T) {
	root := testcorpus.SigmaDir(t)
	reg := filepath.Join(root, "regression_data")
	tests, diags := analytictest.LoadRegression([]string{reg})
	if len(diags) > 0 {
		t.Fatalf("%v", diags)
	}
	// Each test's rule sits where its folder says: regression_data/
	// rules/<path>/info.yml is the test of rules/<path>.yml. Only those
	// rules are read, not all of rules/.
	// A few folders are named otherwise: their rules are found by id.
	var paths []string
	lost := map[string]bool{}
	for _, tc := range tests {
		rel, err := filepath.Rel(reg, filepath.Dir(tc.Pos.File))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, rel+".yml")
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		} else {
			lost[tc.RuleID] = true
		}
	}
	if len(lost) > 0 {
		err := filepath.WalkDir(filepath.Join(root, "rules"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yml") {
				return err
			}
			data, err := os.ReadFile(p)
			if m := idLine.FindSubmatch(data); err == nil && m != nil && lost[string(m[1])] {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rules := load(t, paths...)
	if len(sigmair.Rules(rules)) != len(rules) || len(tests) < 100 {
		t.Fatalf("%d rules for %d tests", len(rules), len(tests))
	}
	rs := analytictest.RunRegression(rules, tests, analytictest.Options{})
	if len(rs) != 2*len(tests) {
		t.Fatalf("%d results for %d tests", len(rs), len(tests))
	}
	pos := regexp.MustCompile(`^\S+:\d+:\d+: `)
	skips := map[string]int{}
	var pass int
	for i := 0; i < len(rs); i += 2 {
		ev, js := rs[i], rs[i+1]
		if ev.Outcome != js.Outcome || ev.Matches != js.Matches {
			t.Errorf("%s: the .evtx gives %s (%d matches) and its JSON dump %s (%d matches)", ev.ID, ev.Outcome, ev.Matches, js.Outcome, js.Matches)
		}
		for _, r := range []analytictest.Result{ev, js} {
			if len(r.Bad) > 0 {
				t.Errorf("%s %s: unreadable events %v", r.ID, r.Kind, r.Bad)
			}
			switch r.Outcome {
			case analytictest.Pass:
				pass++
				if want, ok := knownFailures[r.ID]; ok {
					t.Errorf("%s %s passes: take it off knownFailures (%s)", r.ID, r.Kind, want)
				}
			case analytictest.Skip:
				skips[pos.ReplaceAllString(r.Reason, "")]++
			case analytictest.Fail:
				if want, ok := knownFailures[r.ID]; !ok || !strings.Contains(r.Reason, want) {
					t.Errorf("%s %s (%s): %s", r.ID, r.Kind, r.Pos, r.Reason)
				} else {
					t.Logf("known failure %s %s: %s", r.ID, r.Kind, r.Reason)
				}
			}
		}
	}
	var reasons []string
	nskip := 0
	for k, n := range skips {
		reasons = append(reasons, k)
		nskip += n
	}
	sort.Strings(reasons)
	t.Logf("%d regression tests, %d results: %d pass, %d skip, %d known failures", len(tests), len(rs), pass, nskip, len(rs)-pass-nskip)
	for _, k := range reasons {
		t.Logf("  skip ×%d: %s", skips[k], k)
	}
	if pass < 200 {
		t.Errorf("only %d results pass", pass)
	}
}
